// s3rver_run.js — runs s3rver (npm, a third-party S3 implementation) on loopback for the
// S3 tests: objects are stored under DIR, BUCKET exists from the start, and the chosen
// port is printed as the first line (listen_lib.sh's first_line reads it). Virtual-host
// requests work for BUCKET.s3.localhost. Stops by itself after MAX_SECONDS.
//   NODE_PATH=/opt/newsworker-npm/node_modules node s3rver_run.js DIR BUCKET MAX_SECONDS
'use strict';

const S3rver = require('s3rver');

const [dir, bucket, maxSeconds] = process.argv.slice(2);
if (!dir || !bucket) {
  console.error('usage: s3rver_run.js DIR BUCKET [MAX_SECONDS]');
  process.exit(2);
}
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  directory: dir,
  silent: true,
  serviceEndpoint: 'localhost',
  configureBuckets: [{ name: bucket }],
});
server.run().then(
  addr => console.log(String(addr.port)),
  err => {
    console.error(`s3rver did not start: ${err}`);
    process.exit(1);
  },
);
setTimeout(() => process.exit(0), 1000 * Number(maxSeconds || 600));
process.on('SIGTERM', () => process.exit(0));
