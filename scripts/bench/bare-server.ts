// The baseline of bench:serve: a bare Fastify server whose one route returns a constant, so the
// benchmark shows what HTTP alone costs on this machine in the same run. Prints its address.
import Fastify from "fastify";

const app = Fastify({ logger: false });
app.post("/constant", async () => ({ ok: true }));
app.get("/constant", async () => ({ ok: true }));
const address = await app.listen({ port: Number(process.argv[2] ?? 0), host: "127.0.0.1" });
process.stdout.write(`listening on ${address}\n`);
process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
