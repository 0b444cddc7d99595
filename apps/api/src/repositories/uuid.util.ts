const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUID columns: anything else cannot match a row (and would make PostgreSQL throw). */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
