// What controllers read off a failed API call: its HTTP code, Go's err.Error() text, a namespace being torn down.

/** The HTTP status code of an API error (404, 409…), undefined for anything else thrown. */
export function errorCode(err: unknown): number | undefined {
  return (err as { code?: number } | undefined)?.code;
}

/** An error's message as Go's err.Error() would print it. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A create refused because its namespace is terminating: every later create there would fail the same way. */
export function namespaceTerminating(err: unknown): boolean {
  const causes = (err as { details?: { causes?: { reason?: string }[] } } | null | undefined)?.details?.causes ?? [];
  return causes.some((c) => c.reason === 'NamespaceTerminating');
}
