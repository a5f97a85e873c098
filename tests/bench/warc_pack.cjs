// warc_pack.cjs OUT.warc.gz REPEAT PAGE... — packs pages (.html or .html.gz) into a web
// archive with warcio (npm, webrecorder's writer): a warcinfo record, then for each page,
// REPEAT times over, a request and a 200 text/html response record (the page uncompressed
// as its body) under http://bench.example/<n>/<file name>; each record its own gzip member,
// as crawlers write them. For bench_warc.sh. Run with NODE_PATH=/opt/newsworker-npm/node_modules.
"use strict";
const fs = require("fs");
const zlib = require("zlib");
const { WARCRecord, WARCSerializer } = require("warcio");

async function* once(bytes) {
    yield bytes;
}

async function main() {
    const [out, repeat, ...pages] = process.argv.slice(2);
    const fd = fs.openSync(out, "w");
    const warcVersion = "WARC/1.1";
    const date = "2026-11-23T10:15:03Z";
    const info = await WARCRecord.createWARCInfo({ filename: out, warcVersion }, { software: "warcio.js" });
    fs.writeSync(fd, await WARCSerializer.serialize(info, { gzip: true }));
    const bodies = pages.map((p) => {
        const raw = fs.readFileSync(p);
        return p.endsWith(".gz") ? zlib.gunzipSync(raw) : raw;
    });
    for (let r = 0; r < Number(repeat); r++) {
        for (let i = 0; i < pages.length; i++) {
            const url = `http://bench.example/${r}/${pages[i].split("/").pop().replace(/\.gz$/, "")}`;
            const req = await WARCRecord.create({ url, date, warcVersion, type: "request",
                statusline: "GET / HTTP/1.1", httpHeaders: { Host: "bench.example" } }, once(new Uint8Array()));
            fs.writeSync(fd, await WARCSerializer.serialize(req, { gzip: true }));
            const resp = await WARCRecord.create({ url, date, warcVersion, type: "response",
                httpHeaders: { "Content-Type": "text/html" } }, once(bodies[i]));
            fs.writeSync(fd, await WARCSerializer.serialize(resp, { gzip: true }));
        }
    }
    fs.closeSync(fd);
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
