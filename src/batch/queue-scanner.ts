// --queue: the documents go to the queue's workers (inline jobs of a few documents each) and their
// outcomes come back from the results stream. The runner treats it like any scanner: ordering,
// resume, summary and report are the same. A lost Redis, or one that came back without the queue's
// data, ends the run (QueueError naming how many submitted documents have no outcome); the output
// keeps every line written so far and --resume continues.
import { setMaxListeners } from "node:events";
import { CaseflagError, InputError, QueueError } from "../errors.js";
import { createProducer, type Producer } from "../queue/index.js";
import { maskText } from "../score/mask.js";
import type { Outcome } from "../types.js";
import { buildCaseCard } from "./case-card.js";
import { serializeFailure, serializeResult } from "./lines.js";
import { recordOfFailure, recordOfResult } from "./record.js";
import { failedJob, type Job, type JobOutcome } from "./scan-batch.js";
import type { Scanner } from "./scanner.js";
import { snippetMask } from "./snippet-mask.js";

export interface QueueScannerOptions {
  url: string;
  prefix?: string;
  mask: boolean;
  /** Jobs waiting for results at once. Default 32. */
  inFlightJobs?: number;
  /** A producer to use instead of one made from `url` (tests). Not closed by the scanner. */
  producer?: Producer;
}

export function createQueueScanner(opts: QueueScannerOptions): Scanner {
  const own = opts.producer === undefined;
  const producer = opts.producer ?? createProducer({ url: opts.url, ...(opts.prefix ? { prefix: opts.prefix } : {}) });
  const stop = new AbortController();
  // Every job in flight waits on this one signal: more than the default 10 listeners is expected.
  setMaxListeners(0, stop.signal);
  /** Documents handed to the queue whose outcome has not come back (a failed wait keeps them counted). */
  let waiting = 0;
  /** The first error that ended the run, with what it left missing (every later caller gets the same). */
  let broken: CaseflagError | undefined;

  const toOutcome = (job: Job, o: Outcome | undefined, cardThreshold: number): JobOutcome => {
    if (o === undefined) return failedJob(job, "E_QUEUE_OUTCOME", `${job.doc.source}: the queue recorded no outcome for this document`);
    if (!o.ok) {
      const f = { ...o.failure, source: o.failure.source || job.doc.source };
      return { seq: job.seq, line: serializeFailure(f, job.hash), record: recordOfFailure(f.code) };
    }
    const r = o.result;
    const out: JobOutcome = { seq: job.seq, line: serializeResult(r, job.hash, opts.mask), record: recordOfResult(r) };
    if (r.score > 0 && r.score >= cardThreshold) {
      out.card = buildCaseCard(r, job.doc.text, opts.mask ? { maskText: snippetMask } : {});
    }
    return out;
  };

  const scanSome = async (jobs: Job[], cardThreshold: number): Promise<JobOutcome[]> => {
    let jobId: string;
    waiting += jobs.length;
    try {
      jobId = await producer.submitBatch(jobs.map((j) => j.doc));
    } catch (err) {
      // Over the inline cap: split; one document alone over it is that document's failure.
      if (err instanceof InputError && err.code === "E_TOO_LARGE") {
        waiting -= jobs.length;
        if (jobs.length > 1) return (await Promise.all(jobs.map((j) => scanSome([j], cardThreshold)))).flat();
        return [failedJob(jobs[0]!, "E_TOO_LARGE", err.message)];
      }
      throw err;
    }
    const got = await producer.waitForResult(jobId, { signal: stop.signal });
    waiting -= jobs.length;
    if (got.expired) {
      return jobs.map((j) => failedJob(j, "E_QUEUE_EXPIRED", `${j.doc.source}: job ${jobId} finished but its results were trimmed from the stream`));
    }
    // Inline jobs record one outcome per document, in order; otherwise match by id and source
    // (stored masked).
    const outcomes = got.outcomes;
    if (outcomes.length === jobs.length) return jobs.map((j, i) => toOutcome(j, outcomes[i], cardThreshold));
    return jobs.map((j) => {
      const id = maskText(j.doc.id);
      const source = maskText(j.doc.source);
      return toOutcome(j, outcomes.find((o) => (o.ok ? o.result.id === id && o.result.source === source : o.failure.source === source)), cardThreshold);
    });
  };

  return {
    mode: "queue",
    workers: 0,
    slots: opts.inFlightJobs ?? 32,
    async ready() {
      await producer.ready();
    },
    async scan(jobs, cardThreshold) {
      try {
        return await scanSome(jobs, cardThreshold);
      } catch (err) {
        if (stop.signal.aborted) return jobs.map((j) => failedJob(j, "E_INTERRUPTED", `${j.doc.source}: interrupted`));
        // Redis gone, refusing, or back without the queue's data: the run cannot go on (the runner
        // stops and keeps what it wrote). Say how many submitted documents it leaves without a line:
        // this must never read as a finished run.
        broken ??= missingError(err, waiting);
        throw broken;
      }
    },
    async close() {
      if (own) await producer.close();
    },
    async abort() {
      stop.abort();
      if (own) await producer.close();
    },
  };
}

function missingError(err: unknown, missing: number): CaseflagError {
  const why = err instanceof Error ? err.message : String(err);
  const tail = `; ${missing} document(s) sent to the queue have no outcome and are missing from the output (run again with --resume)`;
  return err instanceof CaseflagError && err.code !== "E_QUEUE" ? new CaseflagError(err.code, why + tail) : new QueueError(`queue: ${why}${tail}`);
}
