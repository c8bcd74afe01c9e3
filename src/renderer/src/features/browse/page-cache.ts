// Pages of query results cached by page number, least-recently-used evicted, so scrolling back is free and
// memory stays bounded on a 75,000-image library. Keyed implicitly by the query: the owner clears it when the
// filter or sort changes.

export class PageCache<T> {
  private pages = new Map<number, T[]>();
  private pending = new Set<number>();

  constructor(
    readonly pageSize: number,
    readonly maxPages: number,
  ) {}

  get size(): number {
    return this.pages.size;
  }

  item(index: number): T | undefined {
    const page = this.pages.get(Math.floor(index / this.pageSize));
    return page?.[index % this.pageSize];
  }

  has(page: number): boolean {
    return this.pages.has(page);
  }

  /** Pages among `wanted` that are neither cached nor being fetched; marks them pending. */
  claimMissing(wanted: number[]): number[] {
    const out = wanted.filter((p) => !this.pages.has(p) && !this.pending.has(p));
    for (const p of out) this.pending.add(p);
    // Touch the wanted cached pages so the visible ones are the last evicted.
    for (const p of wanted) {
      const v = this.pages.get(p);
      if (v) {
        this.pages.delete(p);
        this.pages.set(p, v);
      }
    }
    return out;
  }

  set(page: number, items: T[]): void {
    this.pending.delete(page);
    this.pages.delete(page);
    this.pages.set(page, items);
    while (this.pages.size > this.maxPages) {
      const oldest = this.pages.keys().next().value as number;
      this.pages.delete(oldest);
    }
  }

  /** A fetch failed or was superseded: let a later render ask again. */
  release(page: number): void {
    this.pending.delete(page);
  }

  /** Replace cached items in place (a relabel changes what a cell shows without moving it). */
  update(match: (item: T) => boolean, change: (item: T) => T): number {
    let n = 0;
    for (const page of this.pages.values()) {
      for (let i = 0; i < page.length; i++) {
        if (match(page[i])) {
          page[i] = change(page[i]);
          n++;
        }
      }
    }
    return n;
  }

  clear(): void {
    this.pages.clear();
    this.pending.clear();
  }
}
