// caseflag status: job counts, documents scanned, and the recent failures with their reasons.
import type { Command } from "commander";
import { addRedisOptions, intFlag, redisTargetOf, type RedisFlags } from "../options.js";
import { connectRedis, queueErrorOf } from "../../queue/connection.js";
import { queueKeys } from "../../queue/keys.js";
import { formatQueueStatus, readQueueStatus } from "../../queue/status.js";
import type { CliIo } from "../io.js";

interface StatusFlags extends RedisFlags {
  json?: boolean;
  recent?: string;
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addRedisOptions(
    program
      .command("status")
      .description("queue counts (waiting, active, completed, failed, delayed) and recent failures")
      .option("--recent <n>", "failures to list (default 10)")
      .option("--json", "print the status as JSON"),
  ).action(async (flags: StatusFlags) => {
    const { target, prefix } = redisTargetOf(flags, io.env);
    const recent = intFlag("--recent", flags.recent, 0) ?? 10;
    const redis = await connectRedis(target, "reader");
    try {
      const status = await readQueueStatus(redis, queueKeys(prefix), { recent }).catch((err: unknown) => {
        throw queueErrorOf(err, target);
      });
      io.stdout(flags.json ? JSON.stringify(status, null, 2) + "\n" : formatQueueStatus(status));
      setExit(0);
    } finally {
      await redis.quit().catch(() => redis.disconnect());
    }
  });
}
