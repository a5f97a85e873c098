// warcio_write.cjs OUT.warc.gz PAGE1.html PAGE2.html — writes a web archive with warcio
// (webrecorder's independent WARC writer, npm): a warcinfo record, then for PAGE1 a request
// and a plain response, for PAGE2 a response whose body is gzip content-encoded and sent in
// chunks (stored as on the wire), and records that are no pages: an image response, a 404,
// a revisit, a metadata record. Each record is its own gzip member. Run with
// NODE_PATH=/opt/newsworker-npm/node_modules.
"use strict";
const fs = require("fs");
const zlib = require("zlib");
const { WARCRecord, WARCSerializer } = require("warcio");

const [out, page1, page2] = process.argv.slice(2);
const date = "2026-11-23T10:15:03Z";
const warcVersion = "WARC/1.1";

async function* once(bytes) {
    yield bytes;
}

function chunked(buf) {
    const parts = [];
    for (let i = 0; i < buf.length; i += 700) {
        const piece = buf.subarray(i, i + 700);
        parts.push(Buffer.from(piece.length.toString(16) + "\r\n"), piece, Buffer.from("\r\n"));
    }
    parts.push(Buffer.from("0\r\n\r\n"));
    return Buffer.concat(parts);
}

async function record(opts, body) {
    const rec = await WARCRecord.create({ date, warcVersion, ...opts }, once(body));
    return Buffer.from(await WARCSerializer.serialize(rec, { gzip: true }));
}

async function main() {
    const parts = [];
    const info = await WARCRecord.createWARCInfo({ filename: out, warcVersion }, { software: "warcio.js" });
    parts.push(Buffer.from(await WARCSerializer.serialize(info, { gzip: true })));
    parts.push(await record({ url: "http://news.example/one", type: "request",
        statusline: "GET /one HTTP/1.1", httpHeaders: { Host: "news.example" } }, Buffer.alloc(0)));
    parts.push(await record({ url: "http://news.example/one", type: "response",
        httpHeaders: { "Content-Type": "text/html; charset=utf-8" } }, fs.readFileSync(page1)));
    parts.push(await record({ url: "http://news.example/two", type: "response",
        httpHeaders: { "Content-Type": "text/html", "Content-Encoding": "gzip",
                       "Transfer-Encoding": "chunked" } },
        chunked(zlib.gzipSync(fs.readFileSync(page2)))));
    parts.push(await record({ url: "http://news.example/logo.png", type: "response",
        httpHeaders: { "Content-Type": "image/png" } }, Buffer.from("\x89PNG\r\n\x1a\nxxxx", "latin1")));
    parts.push(await record({ url: "http://news.example/gone", type: "response",
        statusline: "HTTP/1.1 404 Not Found", httpHeaders: { "Content-Type": "text/html" } },
        Buffer.from("<html><body><p>Not found</p></body></html>")));
    parts.push(await record({ url: "http://news.example/one", type: "revisit",
        warcHeaders: { "WARC-Profile": "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest" },
        httpHeaders: { "Content-Type": "text/html; charset=utf-8" } }, Buffer.alloc(0)));
    parts.push(await record({ url: "http://news.example/one", type: "metadata",
        warcHeaders: { "Content-Type": "application/warc-fields" } }, Buffer.from("outlink: http://news.example/two\r\n")));
    fs.writeFileSync(out, Buffer.concat(parts));
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
