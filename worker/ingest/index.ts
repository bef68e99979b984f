/**
 * The ingest worker (ingest/wrangler.toml, `quotesource-ingest`): everything that reads the web or
 * parses HTML, kept off the read path so the public worker that answers lookups and serves
 * /widget.js carries none of it (docs/sources.md "Two workers").
 *
 *  - `extract(name, bytes)`: RPC for the public worker's `text/html` routes (`PUT /v1/articles/:id`,
 *    `POST /v1/check`): the CLI's `parseSource`, run here.
 *  - `fetch`: the sources API, forwarded by the public worker over the service binding.
 *  - `scheduled`: the Cron Trigger; enqueues due sources.
 *  - `queue`: the source, item and dead-letter queues (worker/ingest/crawl.ts).
 *
 * Publishing goes through the public worker's IndexCoordinator (a Durable Object binding with
 * `script_name`), exactly as the publishing API does: one serialised owner of the index.
 */
import { InputError } from '../core/errors';
import { WorkerEntrypoint } from 'cloudflare:workers';
import { parseSourceSliced, type ParsedSource } from '../core/extract/sources';
import { ingestApp } from './app';
import { enqueueDue, readItem, readSource, retryDelay, Retry } from './crawl';
import type { IngestEnv } from './env';
import type { CrawlJob } from './jobs';
import { ledgerFor } from './ledger';

export type ExtractReply = { ok: true; parsed: ParsedSource } | { ok: false; message: string };

/** Dead-letter queues are named `…-dead` (ingest/wrangler.toml). */
const isDeadLetterQueue = (name: string) => name.endsWith('-dead');

export default class IngestWorker extends WorkerEntrypoint<IngestEnv> {
  /**
   * The CLI's extraction (article text, metadata, ClaimReviews) of one uploaded page, in bounded slices
   * with a turn of the event loop between them: under `wrangler dev` this worker shares one thread with
   * the public worker, whose lookups and /healthz then wait for a slice, not for the page.
   */
  async extract(fileName: string, bytes: Uint8Array): Promise<ExtractReply> {
    try {
      return { ok: true, parsed: await parseSourceSliced(fileName, bytes) };
    } catch (e) {
      // Only the library's word on input it cannot use crosses back as a reply; a bug propagates (a 500 there).
      if (!(e instanceof InputError)) throw e;
      return { ok: false, message: e.message };
    }
  }

  fetch(request: Request): Promise<Response> {
    return Promise.resolve(ingestApp.fetch(request, this.env as never, this.ctx));
  }

  async scheduled(controller: ScheduledController): Promise<void> {
    const queued = await enqueueDue(this.env, controller.scheduledTime);
    if (queued) console.log(`cron ${controller.cron}: ${queued} source(s) queued`);
  }

  async queue(batch: MessageBatch<CrawlJob>): Promise<void> {
    const ledger = ledgerFor(this.env);
    // Messages of a batch run concurrently: different hosts proceed in parallel, and each host's
    // HostGate spaces the requests to it whatever the concurrency.
    await Promise.all(
      batch.messages.map(async (message) => {
        const job = message.body;
        if (isDeadLetterQueue(batch.queue)) {
          const url = job.type === 'item' ? job.url : (job.url ?? '');
          await ledger.recordDead(
            job.sourceId,
            url || (await ledger.sourceForRun(job.sourceId))?.url || '',
            job.type === 'item' ? 'items' : 'sources',
            message.attempts,
            'retries exhausted',
          );
          message.ack();
          return;
        }
        try {
          if (job.type === 'source') await readSource(this.env, job);
          else await readItem(this.env, job);
          message.ack();
        } catch (e) {
          const reason = e instanceof Retry ? e.message : `unexpected: ${(e as Error).message}`;
          if (!(e instanceof Retry)) console.error('crawl job failed', job, e);
          if (job.type === 'item') await ledger.noteRetry(job.sourceId, job.url, reason, message.attempts).catch(() => {});
          message.retry({ delaySeconds: retryDelay(this.env, message.attempts) });
        }
      }),
    );
  }
}

export { HostGate } from './host-gate';
export { SourceLedger } from './ledger';
