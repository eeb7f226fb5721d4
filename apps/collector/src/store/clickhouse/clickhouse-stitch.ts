import type { StitchNeighbours } from '../types.js';

/**
 * Stitching traces a proxy broke (docs/diagnosis.md, "Stitched traces") is not implemented on
 * ClickHouse yet: the exporter's tables keep no per-trace root or verdict to join by. This answers no
 * candidates, so verdicts stay `uninstrumented_upstream`, and says so once on stderr.
 */
export class ClickHouseStitchReads {
  private noticeGiven = false;

  /** See `Store.stitchNeighbours`: always empty here. */
  neighbours(): StitchNeighbours {
    if (!this.noticeGiven) {
      this.noticeGiven = true;
      process.stderr.write(
        'faultline: stitching traces a proxy broke is not implemented on the ClickHouse store; such calls stay uninstrumented_upstream\n',
      );
    }
    return { roots: [], calls: [], full: false };
  }
}
