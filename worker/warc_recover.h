/*
 * warc_recover.h — finishing the WARC files a killed worker left open.
 *
 * The WARC writer (warc_writer.h) writes a file under a hidden name
 * (".newsworker-STAMP-HOST-PID-SEQ.warc.gz.part") and renames it when it closes it. Records
 * published while the file was open already name its final name and the offsets of their
 * response records, so a worker killed with a file open (kill -9, OOM, power cut of the
 * container) would leave them pointing at a file nobody renames. At start the writer calls
 * this: every such leftover that this host's worker wrote and whose process is gone (or
 * whose PID is this process's own: a restarted container's worker is PID 1 again) is cut
 * after its last whole gzip member (each WARC record is one member; a member cut by the
 * kill held an exchange whose record was never published), fsynced and renamed to its
 * final name, so every published reference resolves. A leftover with no whole member is
 * removed. Leftovers of other hosts and of live processes are left alone.
 *
 * Owns nothing after it returns. Logs what it did (category "warc").
 */
#ifndef NW_WARC_RECOVER_H
#define NW_WARC_RECOVER_H

/* Recovers the leftovers in dir, or, with lake set, in dir's dt=DATE/hour=HH folders.
 * host is the name the writer puts in file names. Returns the number of files renamed;
 * a file it cannot finish is logged and left as it is (never an error for the caller). */
int nw_warc_recover(const char *dir, int lake, const char *host);

#endif
