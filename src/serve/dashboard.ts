// The queue dashboard (bull-board) at /admin/queues, behind the server's own auth (the onRequest
// hook of app.ts covers every route). Jobs carry documents inline: the dashboard shows their data
// with identifiers masked, as every other print of the queue does.
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import type { FastifyInstance } from "fastify";
import { MASKED } from "../output/redact.js";
import type { QueueSide } from "./app.js";

export const DASHBOARD_PATH = "/admin/queues";

/** A job's data as the dashboard shows it: every string masked (inline texts, sources, paths). */
export function maskedJobData(data: unknown): unknown {
  if (typeof data === "string") return MASKED.text(data);
  if (Array.isArray(data)) return data.map(maskedJobData);
  if (data === null || typeof data !== "object") return data;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, maskedJobData(v)]));
}

export async function mountDashboard(app: FastifyInstance, queue: QueueSide): Promise<void> {
  const adapter = new BullMQAdapter(queue.queue);
  adapter.setFormatter("data", maskedJobData);
  const server = new FastifyAdapter();
  server.setBasePath(DASHBOARD_PATH);
  createBullBoard({ queues: [adapter], serverAdapter: server });
  await app.register(server.registerPlugin(), { prefix: DASHBOARD_PATH });
}
