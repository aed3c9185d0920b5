// Queue mode: BullMQ producers and workers around the one scan pipeline. Importing starts nothing.
export { createProducer, type Producer, type ProducerOptions, type Submitted, type SubmitEvent, type JobOutcome } from "./producer.js";
export { DEFAULT_PREFETCH, startQueueWorker, type QueueWorker, type QueueWorkerOptions, type JobSummary } from "./worker.js";
export { watchFolder, type WatchOptions } from "./watch.js";
export { readQueueStatus, formatQueueStatus, type QueueStatus, type RecentFailure } from "./status.js";
export { exportResults, type ExportOptions, type ExportSummary } from "./results.js";
export { parseRedisUrl, clusterSeedsOf, connectRedis, redactUrl, type RedisTarget, type RedisOptions, type RedisRole, type RedisClient } from "./connection.js";
export { queueKeys, hasHashTag, DEFAULT_PREFIX, QUEUE_NAME, type QueueKeys } from "./keys.js";
export { planJobs, type PlanOptions, type PlannedJob, type PlanEvent } from "./plan.js";
export { isFlagged, readJobOutcomes, type StreamEntry } from "./sink.js";
export type { JobData, JobItem } from "./payload.js";
