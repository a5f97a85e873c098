// warcio_check.cjs FILE... — reads WARC files with warcio (webrecorder's independent
// reader, npm) and checks every record's WARC-Block-Digest and WARC-Payload-Digest (sha1,
// base32) against the bytes warcio reads. Prints one JSON object:
// {"records": N, "types": {...}, "digests": N, "responses": [{uri, id, status, offset?}],
//  "bad": [...]} and exits 1 when a digest is wrong or missing on a request or response.
// Run with NODE_PATH=/opt/newsworker-npm/node_modules.
"use strict";
const fs = require("fs");
const crypto = require("crypto");
const { WARCParser } = require("warcio");

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
function sha1b32(buf) {
    const d = crypto.createHash("sha1").update(buf).digest();
    let bits = 0, value = 0, out = "";
    for (const byte of d) {
        value = (value << 8) | byte;
        bits += 8;
        while (bits >= 5) {
            out += B32[(value >>> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    return "sha1:" + out;
}

async function pass(file, parseHttp, visit) {
    const parser = new WARCParser(fs.createReadStream(file), { parseHttp });
    for await (const record of parser) {
        await visit(record, parser);
    }
}

async function main() {
    const out = { records: 0, types: {}, digests: 0, responses: [], bad: [] };
    for (const file of process.argv.slice(2)) {
        // Pass 1: the whole block (parseHttp false): WARC-Block-Digest.
        await pass(file, false, async (record, parser) => {
            out.records++;
            const type = record.warcType;
            out.types[type] = (out.types[type] || 0) + 1;
            const block = Buffer.from(await record.readFully(false));
            const want = record.warcHeader("WARC-Block-Digest");
            const id = record.warcHeader("WARC-Record-ID");
            if (!want) {
                if (type === "request" || type === "response") out.bad.push(`${id}: no WARC-Block-Digest`);
            } else if (sha1b32(block) !== want) {
                out.bad.push(`${id}: block digest ${want} but warcio read ${sha1b32(block)}`);
            } else {
                out.digests++;
            }
            const cl = parseInt(record.warcHeader("Content-Length"), 10);
            if (cl !== block.length) out.bad.push(`${id}: Content-Length ${cl} but ${block.length} bytes`);
            if (type === "response") {
                out.responses.push({ file, uri: record.warcTargetURI, id, offset: parser.offset,
                    truncated: record.warcHeader("WARC-Truncated") || null,
                    concurrent: record.warcHeader("WARC-Concurrent-To") || null,
                    ip: record.warcHeader("WARC-IP-Address") || null });
            }
        });
        // Pass 2: the HTTP payload as stored (parseHttp true, raw read): WARC-Payload-Digest.
        await pass(file, true, async (record) => {
            const want = record.warcHeader("WARC-Payload-Digest");
            const id = record.warcHeader("WARC-Record-ID");
            if (!want) {
                if (record.warcType === "response") out.bad.push(`${id}: no WARC-Payload-Digest`);
                return;
            }
            const payload = Buffer.from(await record.readFully(false));
            if (sha1b32(payload) !== want) {
                out.bad.push(`${id}: payload digest ${want} but warcio read ${sha1b32(payload)}`);
            } else {
                out.digests++;
            }
            if (record.warcType === "response") {
                const r = out.responses.find((x) => x.id === id);
                if (r) r.status = record.httpHeaders ? Number(record.httpHeaders.statusCode) : null;
            }
        });
    }
    console.log(JSON.stringify(out));
    if (out.bad.length) process.exit(1);
}

main().catch((e) => {
    console.error(e);
    process.exit(2);
});
