// caseflag enqueue FILE|DIR|ARCHIVE...: submit documents to the queue by reference and print one
// line a job: its id (a hash of its documents' sources and contents), how many documents, where they are.
import { resolve } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { MASKED } from "../../output/redact.js";
import { createProducer, type SubmitEvent } from "../../queue/producer.js";
import type { CliIo } from "../io.js";
import { addReadOptions, addRedisOptions, intFlag, readOptionsOf, redisTargetOf, type ReadFlags, type RedisFlags } from "../options.js";

interface EnqueueFlags extends RedisFlags, ReadFlags {
  batch?: string;
  json?: boolean;
}

/** One line a job; identifiers in its source (a file named after a person's ID number) masked. */
export function formatSubmitted(ev: Extract<SubmitEvent, { kind: "submitted" }>, json: boolean): string {
  const source = MASKED.text(ev.source);
  if (json) return JSON.stringify({ jobId: ev.jobId, documents: ev.documents, source, duplicate: ev.duplicate }) + "\n";
  return `${ev.jobId}\t${ev.documents}\t${source}${ev.duplicate ? "\t(already scanned)" : ""}\n`;
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addReadOptions(
    addRedisOptions(
      program
        .command("enqueue")
        .description("submit documents to the queue (by path; '-' sends stdin inline) and print their job ids")
        .argument("<inputs...>", "files, folders, archives (.zip .tar .tgz), JSONL dumps, or - for stdin")
        .option("--batch <n>", "documents per job (default 1); more suits many small documents")
        .option("--json", "one JSON object a job instead of tab-separated lines"),
    ),
  ).action(async (inputs: string[], flags: EnqueueFlags) => {
    const { target, prefix } = redisTargetOf(flags, io.env);
    const batch = intFlag("--batch", flags.batch);
    const read = readOptionsOf(flags);
    if (inputs.length === 0) throw new UsageError("enqueue: no inputs");
    const producer = createProducer({ ...("url" in target ? { url: target.url } : { connection: target.connection }), prefix });
    let jobs = 0;
    let documents = 0;
    let duplicates = 0;
    let skipped = 0;
    try {
      await producer.ready();
      const paths = inputs.map((p) => (p === "-" ? p : resolve(io.cwd, p)));
      const plan = { read, stdin: io.stdin, ...(batch !== undefined ? { batch } : {}) };
      for await (const ev of producer.submitInputs(paths, plan)) {
        if (ev.kind === "skipped") {
          skipped++;
          io.stderr(`caseflag: not submitted: ${MASKED.text(ev.failure.message)}\n`);
          continue;
        }
        jobs++;
        documents += ev.documents;
        if (ev.duplicate) duplicates++;
        io.stdout(formatSubmitted(ev, flags.json === true));
      }
    } finally {
      await producer.close();
    }
    io.stderr(
      `caseflag: ${jobs} job(s), ${documents} document(s) submitted to ${prefix}` +
        `${duplicates ? `, ${duplicates} already scanned` : ""}${skipped ? `, ${skipped} input(s) not submitted` : ""}\n`,
    );
    setExit(skipped > 0 ? 2 : 0);
  });
}
