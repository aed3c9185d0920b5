// The work one document may cost. A scan checks its budget as it goes (cheaply: the clock is read
// once every CLOCK_EVERY ticks) and stops with a BudgetError when the time is spent, so one
// hostile document fails alone instead of holding a thread, a worker or a CLI run.
import { performance } from "node:perf_hooks";
import { BudgetError } from "./errors.js";
/**
 * 10 s. Linear matching scans the 20 MiB size limit's worth of term-dense text well inside it;
 * what does not finish by then is a pathological document, not a slow one.
 */
export const DEFAULT_SCAN_MS = 10_000;
/** Two million candidate matches: ~100 per KiB at the 20 MiB size limit, far past any real filing. */
export const DEFAULT_MAX_MATCHES = 2_000_000;
const CLOCK_EVERY = 1024;
export function createBudget(limits = {}) {
    const ms = limits.ms ?? DEFAULT_SCAN_MS;
    const maxMatches = limits.maxMatches ?? DEFAULT_MAX_MATCHES;
    let deadline = performance.now() + ms;
    let ticks = 0;
    let matches = 0;
    const check = () => {
        if (performance.now() > deadline)
            throw new BudgetError(`scan exceeded its time budget of ${ms} ms`);
    };
    return {
        tick() {
            if (++ticks % CLOCK_EVERY === 0)
                check();
        },
        match() {
            if (++matches > maxMatches)
                throw new BudgetError(`scan exceeded its budget of ${maxMatches} matches`);
            if (++ticks % CLOCK_EVERY === 0)
                check();
        },
        check,
        offClock(fn) {
            const t = performance.now();
            try {
                return fn();
            }
            finally {
                deadline += performance.now() - t;
            }
        },
    };
}
/** A budget that never runs out (rule examples, tests of single stages). */
export const UNLIMITED = { tick() { }, match() { }, check() { }, offClock: (fn) => fn() };
