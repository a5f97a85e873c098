/*
 * poison.h — crash markers, so that a job that crashes the process is not retried
 * forever.
 *
 * A small state file (under worker.state_dir, one per running process: the first of
 * newsworker-<group>-<topic>.<n>.state that no live process holds locked) is mapped
 * shared. Each pool thread writes the input offset it is processing into its slot before
 * the CPU stages and clears it after; the writes reach the page cache at once, so they
 * survive the process dying in any way (SIGSEGV, abort, the OOM killer's SIGKILL). At
 * start, slots left set are counted as crashes of those offsets in the file's crash
 * table (bounded: the oldest entry goes when it is full). `run` then processes a job
 * with a crash on record alone (no other job in the pool at the same time, so a second
 * crash is surely its own), and after worker.max_crashes turns it into an error record
 * with code "poison" instead of processing it. A job that comes through is forgotten.
 *
 * The markers are local: a partition that moves to another host starts without them.
 * Owner thread for everything except nw_poison_begin/_end (one slot per thread).
 */
#ifndef NW_POISON_H
#define NW_POISON_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define NW_POISON_MAX_SLOTS 256

struct nw_poison;

/* Opens (creating dir's file if needed) and locks a state file for group and topic, and
 * counts what a crashed predecessor left in it. NULL with a message on failure. Free
 * with nw_poison_close. */
struct nw_poison *nw_poison_open(const char *dir, const char *group, const char *topic,
                                 char *errstr, size_t errstr_size);

/* Clears the slots (nothing is in progress any more), unmaps, unlocks. NULL-safe. */
void nw_poison_close(struct nw_poison *p);

/* Clears every slot (for an exit that does not wait for the threads). */
void nw_poison_clear_slots(struct nw_poison *p);

/* Crashes on record for the job at (partition, offset); 0 if none. */
int nw_poison_crashes(const struct nw_poison *p, int32_t partition, int64_t offset);

/* Forgets (partition, offset): it was processed without a crash. */
void nw_poison_forget(struct nw_poison *p, int32_t partition, int64_t offset);

/* Slot slot (< NW_POISON_MAX_SLOTS) processes (partition, offset) now / is idle again. */
void nw_poison_begin(struct nw_poison *p, size_t slot, int32_t partition, int64_t offset);
void nw_poison_end(struct nw_poison *p, size_t slot);

/* The crashes counted at open (for the start-up log). */
int nw_poison_found(const struct nw_poison *p);

#endif
