// lake_duckdb.js — DuckDB (npm @duckdb/node-api) reads a jsonl.zst lake the way a user
// would: read_json over DIR/<kind>/*/*/*.jsonl.zst with Hive partitioning. Prints one JSON
// line: {"count", "distinct_ids", "max_per_id", "partitions": ["dt=.../hour=..", ...],
// "bad_partition": rows whose dt/hour columns do not match their time field}.
// usage: NODE_PATH=/opt/newsworker-npm/node_modules node lake_duckdb.js DIR KIND IDFIELD TIMEFIELD
//        ... lake_duckdb.js DIR --jobs: per job (its url) over articles and errors together:
//        {"count", "distinct_ids", "max_per_id"}.
const { DuckDBInstance } = require('@duckdb/node-api');

async function main() {
    const [dir, kind, idField, timeField] = process.argv.slice(2);
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    if (kind === '--jobs') {
        const rd = (k) => `SELECT url FROM read_json('${dir}/${k}/*/*/*.jsonl.zst', ` +
            `hive_partitioning=true, format='newline_delimited', union_by_name=true)`;
        const all = `(${rd('articles')} UNION ALL ${rd('errors')})`;
        const [r] = (await conn.runAndReadAll(`SELECT count(*) AS n, count(DISTINCT url) AS d, ` +
            `(SELECT max(c) FROM (SELECT count(*) AS c FROM ${all} GROUP BY url)) AS m FROM ${all}`))
            .getRowObjectsJS();
        console.log(JSON.stringify({ count: Number(r.n), distinct_ids: Number(r.d), max_per_id: Number(r.m) }));
        return;
    }
    const src = `read_json('${dir}/${kind}/*/*/*.jsonl.zst', hive_partitioning=true, ` +
        `format='newline_delimited', union_by_name=true)`;
    const q = async (sql) => (await conn.runAndReadAll(sql)).getRowObjectsJS();
    const [totals] = await q(`SELECT count(*) AS n, count(DISTINCT "${idField}") AS d FROM ${src}`);
    const [maxes] = await q(`SELECT coalesce(max(c), 0) AS m FROM ` +
        `(SELECT count(*) AS c FROM ${src} GROUP BY "${idField}")`);
    const parts = await q(`SELECT DISTINCT 'dt=' || dt || '/hour=' || hour AS p FROM ${src} ORDER BY p`);
    // The folder must agree with the record's own time, read back as UTC.
    const [bad] = await q(`SELECT count(*) AS b FROM ${src} WHERE "${timeField}" IS NOT NULL AND ` +
        `(strftime(CAST("${timeField}" AS TIMESTAMPTZ) AT TIME ZONE 'UTC', '%Y-%m-%d') <> CAST(dt AS VARCHAR) ` +
        `OR strftime(CAST("${timeField}" AS TIMESTAMPTZ) AT TIME ZONE 'UTC', '%H') <> lpad(CAST(hour AS VARCHAR), 2, '0'))`);
    console.log(JSON.stringify({
        count: Number(totals.n), distinct_ids: Number(totals.d), max_per_id: Number(maxes.m),
        partitions: parts.map((r) => r.p), bad_partition: Number(bad.b),
    }));
}

main().catch((e) => { console.error(e.message || e); process.exit(1); });
