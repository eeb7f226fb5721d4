import type { Diagnosis } from '@faultline/diagnosis';
import { EvidencePanel, NextSteps } from './evidence-panel.js';
import { ProcessPictures } from './process-pictures.js';
import { NoFailureBanner, VerdictBanner } from './verdict-banner.js';

/**
 * The top of the trace page: for a failed request the verdict, its process pictures, next steps and
 * evidence; otherwise the banner that says no failure was found.
 */
export function VerdictRow(props: {
  diagnosis: Diagnosis | null;
  originSpanName: string | undefined;
  errorSpanCount: number;
  onJumpToOrigin: () => void;
  onNextError: () => void;
  onSelectSpan: (spanId: string) => void;
}) {
  const { diagnosis } = props;
  if (!diagnosis) {
    return (
      <div class="verdict-row single">
        <NoFailureBanner errorSpanCount={props.errorSpanCount} onNextError={props.onNextError} />
      </div>
    );
  }
  return (
    <div class="verdict-row">
      <div class="verdict-column">
        <VerdictBanner
          diagnosis={diagnosis}
          originSpanName={props.originSpanName}
          errorSpanCount={props.errorSpanCount}
          onJumpToOrigin={props.onJumpToOrigin}
          onNextError={props.onNextError}
          onSelectSpan={props.onSelectSpan}
        />
        {diagnosis.processes && <ProcessPictures processes={diagnosis.processes} />}
        <NextSteps steps={diagnosis.nextSteps} />
      </div>
      <EvidencePanel diagnosis={diagnosis} />
    </div>
  );
}
