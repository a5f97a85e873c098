#!/usr/bin/python3
"""s3_list.py — lists a bucket with botocore (AWS's own client, Debian's python3-botocore),
an implementation independent of the uploader under test, and prints one line per object:
"KEY SIZE SHA256" of the bytes it downloads, sorted by key.
  s3_list.py ENDPOINT BUCKET [PREFIX]"""
import hashlib
import sys

import botocore.session
from botocore.config import Config

endpoint, bucket = sys.argv[1], sys.argv[2]
prefix = sys.argv[3] if len(sys.argv) > 3 else ""
client = botocore.session.get_session().create_client(
    "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="S3RVER",
    aws_secret_access_key="S3RVER", config=Config(s3={"addressing_style": "path"}))
rows = []
for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
    for obj in page.get("Contents", []):
        body = client.get_object(Bucket=bucket, Key=obj["Key"])["Body"]
        h = hashlib.sha256()
        size = 0
        for chunk in iter(lambda: body.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
        if size != obj["Size"]:
            sys.exit("%s: listed %d bytes, read %d" % (obj["Key"], obj["Size"], size))
        rows.append("%s %d %s" % (obj["Key"], size, h.hexdigest()))
for row in sorted(rows):
    print(row)
