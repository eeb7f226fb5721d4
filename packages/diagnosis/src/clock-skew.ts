/*
 * Services run on different machines whose clocks disagree. A parent/child link is causal truth; the
 * timestamps of a child in another service are only its own clock's opinion. Like jaeger-ui's and
 * Jaeger's clock-skew adjuster, we shift such a child (and, through inheritance, its same-service
 * descendants) so that it sits inside its caller, and leave it alone when it already does.
 */

/**
 * The offset in nanoseconds to add to a child span of another service so that it sits inside its parent.
 * Parent times are already adjusted; child times are the child's own clock.
 */
export function skewOffsetNs(
  parentStartNs: bigint,
  parentEndNs: bigint,
  childStartNs: bigint,
  childEndNs: bigint,
): bigint {
  // parent |..................|
  // child     |.........|          <- inside: the clocks agree well enough, keep it.
  if (childStartNs >= parentStartNs && childEndNs <= parentEndNs) return 0n;
  const parentDurationNs = parentEndNs - parentStartNs;
  const childDurationNs = childEndNs - childStartNs;
  if (childDurationNs <= parentDurationNs) {
    // parent      |..............|
    // child    |.........|             <- starts before its caller: the child's clock is behind.
    // adjusted       |.........|       <- centred: half the slack each side stands for the network.
    return parentStartNs + (parentDurationNs - childDurationNs) / 2n - childStartNs;
  }
  // parent |.......|
  // child      |................|      <- longer than its caller and started inside it: the caller gave up
  //                                       (a timeout) while the callee kept working. That is real, keep it.
  if (childStartNs >= parentStartNs && childStartNs <= parentEndNs) return 0n;
  // parent           |.......|
  // child  |................|          <- longer and starts outside: skewed too; align the starts.
  return parentStartNs - childStartNs;
}
