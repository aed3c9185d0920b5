// --queue: the documents go to the queue's workers (inline jobs of a few documents each) and their
// lines come back from the results stream, written as the workers wrote them. The batch runner
// treats it like any scan runner: ordering, resume, summary and report are the same. A lost Redis,
// or one that came back without the queue's data, ends the run (QueueError naming how many
// submitted documents have no outcome); the output keeps every line written so far and --resume
// continues.
import { setMaxListeners } from "node:events";
import { CaseflagError, InputError, QueueError } from "../errors.js";
import { buildCaseCard } from "../output/case-card.js";
import { failureLine } from "../output/lines.js";
import { isListed, recordOfFailure, recordOfResult } from "../output/record.js";
import { MASKED } from "../output/redact.js";
import { createProducer, type Producer } from "../queue/index.js";
import type { ScanPool } from "../runner/pool.js";
import type { LineInfo, ScanTask, TaskOutput } from "../runner/task.js";
import type { Document, Outcome } from "../types.js";

export interface QueueRunnerOptions {
  url: string;
  prefix?: string;
  /** Jobs waiting for results at once. Default 32. */
  inFlightJobs?: number;
  /** A producer to use instead of one made from `url` (tests). Not closed by the runner. */
  producer?: Producer;
}

type Doc = { doc: Document; hash: string };
type Line = { line: string; info: Omit<LineInfo, "size"> };

export function createQueueRunner(opts: QueueRunnerOptions): ScanPool {
  const own = opts.producer === undefined;
  const producer = opts.producer ?? createProducer({ url: opts.url, ...(opts.prefix ? { prefix: opts.prefix } : {}) });
  const stop = new AbortController();
  // Every job in flight waits on this one signal: more than the default 10 listeners is expected.
  setMaxListeners(0, stop.signal);
  /** Documents handed to the queue whose outcome has not come back (a failed wait keeps them counted). */
  let waiting = 0;
  /** The first error that ended the run, with what it left missing (every later caller gets the same). */
  let broken: CaseflagError | undefined;

  const failed = (d: Doc, code: string, message: string): Line => {
    const f = MASKED.failure({ source: d.doc.source, id: d.doc.id, code, message });
    return { line: failureLine(f, d.hash), info: { record: recordOfFailure(code), id: f.id ?? f.source, document: true, message: f.message } };
  };

  const lineOf = (d: Doc, o: Outcome | undefined, line: string | undefined, cardThreshold: number | undefined): Line => {
    if (o === undefined || line === undefined) return failed(d, "E_QUEUE_OUTCOME", `${d.doc.source}: the queue recorded no outcome for this document`);
    if (!o.ok) return { line, info: { record: recordOfFailure(o.failure.code), id: o.failure.id ?? o.failure.source, document: true, message: o.failure.message } };
    const r = o.result;
    const info: Omit<LineInfo, "size"> = { record: recordOfResult(r), id: r.id, document: true, hash: d.hash };
    if (cardThreshold !== undefined && (isListed(info.record) || (r.score > 0 && r.score >= cardThreshold))) {
      info.card = buildCaseCard(r, d.doc.text, { maskText: MASKED.text, maskNames: true });
    }
    return { line, info };
  };

  const scanSome = async (docs: Doc[], cardThreshold: number | undefined): Promise<Line[]> => {
    let jobId: string;
    waiting += docs.length;
    try {
      jobId = await producer.submitBatch(docs.map((d) => d.doc));
    } catch (err) {
      // Over the inline cap: split; one document alone over it is that document's failure.
      if (err instanceof InputError && err.code === "E_TOO_LARGE") {
        waiting -= docs.length;
        if (docs.length > 1) return (await Promise.all(docs.map((d) => scanSome([d], cardThreshold)))).flat();
        return [failed(docs[0]!, "E_TOO_LARGE", err.message)];
      }
      throw err;
    }
    const got = await producer.waitForResult(jobId, { signal: stop.signal });
    waiting -= docs.length;
    if (got.expired) {
      return docs.map((d) => failed(d, "E_QUEUE_EXPIRED", `${d.doc.source}: job ${jobId} finished but its results were trimmed from the stream`));
    }
    // Inline jobs record one outcome per document, in order; otherwise match by id and source
    // (stored masked).
    const { outcomes, lines } = got;
    if (outcomes.length === docs.length) return docs.map((d, i) => lineOf(d, outcomes[i], lines[i], cardThreshold));
    return docs.map((d) => {
      const id = MASKED.text(d.doc.id);
      const source = MASKED.text(d.doc.source);
      const k = outcomes.findIndex((o) => (o.ok ? o.result.id === id && o.result.source === source : o.failure.source === source));
      return lineOf(d, outcomes[k], lines[k], cardThreshold);
    });
  };

  return {
    mode: "queue",
    threads: 0,
    capacity: opts.inFlightJobs ?? 32,
    async ready() {
      await producer.ready();
    },
    async run(task: ScanTask): Promise<TaskOutput> {
      if (task.source.kind !== "documents") throw new CaseflagError("E_SCAN", "the queue runner takes documents read already");
      const docs = task.source.docs;
      let lines: Line[];
      try {
        lines = await scanSome(docs, task.cardThreshold);
      } catch (err) {
        if (stop.signal.aborted) lines = docs.map((d) => failed(d, "E_INTERRUPTED", `${d.doc.source}: interrupted`));
        else {
          // Redis gone, refusing, or back without the queue's data: the run cannot go on (the runner
          // stops and keeps what it wrote). Say how many submitted documents it leaves without a
          // line: this must never read as a finished run.
          broken ??= missingError(err, waiting);
          throw broken;
        }
      }
      const text = lines.map((l) => l.line + "\n").join("");
      return { bytes: new TextEncoder().encode(text), lines: lines.map((l) => ({ ...l.info, size: Buffer.byteLength(l.line, "utf8") + 1 })) };
    },
    async close() {
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
