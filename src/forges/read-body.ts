/**
 * Reads a response body as UTF-8 text, at most `limit` bytes: a repository decides what its
 * pipeline file holds, and a 2 GB "pipeline.yaml" must not become a 2 GB string here.
 */
export async function readText(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<{ text: string; truncated: boolean }> {
  if (body === null) return { text: '', truncated: false };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.length > limit) {
      truncated = true;
      break;
    }
    chunks.push(value);
    size += value.length;
  }
  if (truncated) await reader.cancel().catch(() => undefined);
  return { text: new TextDecoder().decode(Buffer.concat(chunks)), truncated };
}
