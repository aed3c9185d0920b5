// Writes outcome lines in input order (a bounded reorder buffer: the runner never lets more than a
// window of documents be in flight), one whole line per write, waiting for 'drain' so a slow disk
// slows the reading down instead of filling memory.
import { once } from "node:events";
import type { Writable } from "node:stream";
import type { CaseCard } from "../output/case-card.js";
import type { OutcomeRecord } from "../output/record.js";

/** Characters (or bytes) gathered before waiting for the stream. */
const MAX_CHUNK = 1 << 20;

/** One document's line, or a chunk's lines already encoded (each LF-terminated) with what the summary needs of each. */
export type LineEntry =
  | { line: string; record: OutcomeRecord; card?: CaseCard }
  | { bytes: Uint8Array; records: OutcomeRecord[]; cards: (CaseCard | undefined)[] };

export class OrderedWriter {
  private readonly stream: Writable;
  private readonly onWritten: (e: LineEntry) => void;
  private readonly onAdvance: () => void;
  /** null: a sequence number that writes nothing (skipped by --resume). */
  private readonly ready = new Map<number, LineEntry | null>();
  private nextSeq = 0;
  /** The running pump; `active` is cleared synchronously when it ends, so a put never waits on a finished one. */
  private pumping: Promise<void> | undefined;
  private active = false;
  private error: unknown;
  private sealed = false;

  constructor(stream: Writable, onWritten: (e: LineEntry) => void, onAdvance: () => void) {
    this.stream = stream;
    this.onWritten = onWritten;
    this.onAdvance = onAdvance;
    stream.on("error", (err) => {
      this.error ??= err;
      this.onAdvance();
    });
  }

  /** The next sequence number to be written: everything before it is on its way to the file. */
  get next(): number {
    return this.nextSeq;
  }

  /** Entries waiting for an earlier one. */
  get buffered(): number {
    return this.ready.size;
  }

  get failed(): unknown {
    return this.error;
  }

  put(seq: number, entry: LineEntry | null): void {
    if (this.sealed) return;
    this.ready.set(seq, entry);
    if (!this.active) this.pumping = this.pump();
  }

  private async pump(): Promise<void> {
    // `active` must drop in the same tick the loop sees nothing more to write: an await between
    // the two would let a put() land in `ready` with no pump to write it.
    this.active = true;
    try {
      while (!this.sealed && this.error === undefined && this.ready.has(this.nextSeq)) {
        // Every line ready in order goes out in few writes (fewer syscalls); still whole lines only.
        // Single lines are joined into one string; a chunk's encoded lines are written as they are.
        const pieces: (string | Uint8Array)[] = [];
        let text = "";
        let size = 0;
        while (!this.sealed && this.ready.has(this.nextSeq) && size < MAX_CHUNK) {
          const e = this.ready.get(this.nextSeq)!;
          this.ready.delete(this.nextSeq);
          this.nextSeq++;
          if (!e) continue;
          this.onWritten(e);
          if ("line" in e) {
            text += e.line + "\n";
            size += e.line.length + 1;
          } else if (e.bytes.length > 0) {
            if (text.length > 0) pieces.push(text);
            text = "";
            pieces.push(e.bytes);
            size += e.bytes.length;
          }
        }
        if (text.length > 0) pieces.push(text);
        this.onAdvance();
        let room = true;
        for (const piece of pieces) room = this.stream.write(piece) && room;
        if (!room) {
          try {
            await once(this.stream, "drain");
          } catch (err) {
            this.error ??= err;
          }
        }
      }
    } finally {
      this.active = false;
    }
  }

  /**
   * Finish: wait for the pump, then end the file. Entries still waiting for a gap (only after a hard
   * stop) are dropped: --resume scans those documents again.
   */
  async close(): Promise<void> {
    await this.pumping;
    this.sealed = true;
    this.ready.clear();
    if (this.error === undefined) {
      this.stream.end();
      try {
        await once(this.stream, "finish");
      } catch (err) {
        this.error ??= err;
      }
    } else {
      this.stream.destroy();
    }
  }

  /** Stop writing anything more (hard stop); close() then ends the file. */
  seal(): void {
    this.sealed = true;
  }
}
