#!/usr/bin/python3
"""s3_list.py — lists a bucket with botocore (AWS's own client, Debian's python3-botocore),
an implementation independent of the uploader under test, and prints one line per object:
"KEY SIZE SHA256" of the bytes it downloads, sorted by key. With --download DIR it also
writes each object to DIR/<key less PREFIX>.
  s3_list.py ENDPOINT BUCKET [PREFIX] [--download DIR]"""
import hashlib
import os
import sys

import botocore.session
from botocore.config import Config

argv = sys.argv[1:]
download = None
if "--download" in argv:
    i = argv.index("--download")
    download = argv[i + 1]
    del argv[i:i + 2]
endpoint, bucket = argv[0], argv[1]
prefix = argv[2] if len(argv) > 2 else ""
client = botocore.session.get_session().create_client(
    "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="S3RVER",
    aws_secret_access_key="S3RVER", config=Config(s3={"addressing_style": "path"}))
rows = []
for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
    for obj in page.get("Contents", []):
        body = client.get_object(Bucket=bucket, Key=obj["Key"])["Body"]
        h = hashlib.sha256()
        size = 0
        out = None
        if download:
            path = os.path.join(download, obj["Key"][len(prefix):].lstrip("/"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            out = open(path, "wb")
        for chunk in iter(lambda: body.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
            if out:
                out.write(chunk)
        if out:
            out.close()
        if size != obj["Size"]:
            sys.exit("%s: listed %d bytes, read %d" % (obj["Key"], obj["Size"], size))
        rows.append("%s %d %s" % (obj["Key"], size, h.hexdigest()))
for row in sorted(rows):
    print(row)
