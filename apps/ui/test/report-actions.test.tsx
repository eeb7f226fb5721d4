import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { ReportActions } from '../src/trace/report-actions.js';
import { TRACE_ID } from './fixtures/pool-exhausted-trace.js';
import { captureDownloads } from './helpers/capture-downloads.js';
import { jsonResponse, stubFetch } from './helpers/stub-fetch.js';

const REPORT = '# Incident: 500 on GET /api/orders/:id\n\n- Origin: `orders` › `pg-pool.connect`\n';
const reportRoute = { [`/api/traces/${TRACE_ID}/report`]: () => new Response(REPORT, { status: 200 }) };

describe('the incident report buttons', () => {
  it('copy the markdown report to the clipboard and say so', async () => {
    stubFetch(reportRoute);
    const writeText = vi.fn(async (_text: string) => {});
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    render(<ReportActions traceId={TRACE_ID} />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy report' }));
    expect(await screen.findByRole('button', { name: 'Copied ✓' })).toBeTruthy();
    expect(writeText).toHaveBeenCalledWith(REPORT);
    expect(screen.getByTestId('report-status').textContent).toBe('Report copied to the clipboard');
  });

  it('open the report selected in a dialog when the browser has no clipboard for the page', async () => {
    stubFetch(reportRoute);
    vi.stubGlobal('navigator', { ...navigator, clipboard: undefined });
    render(<ReportActions traceId={TRACE_ID} />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy report' }));
    const dialog = await screen.findByTestId('report-fallback');
    const field = screen.getByLabelText('Incident report (markdown)') as HTMLTextAreaElement;
    expect(field.value).toBe(REPORT);
    await waitFor(() => expect(document.activeElement).toBe(field));
    expect(dialog.textContent).toContain('did not let the page use the clipboard');
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByTestId('report-fallback')).toBeNull();
  });

  it('fall back to the dialog when the clipboard refuses the write', async () => {
    stubFetch(reportRoute);
    vi.stubGlobal('navigator', {
      ...navigator,
      clipboard: { writeText: async () => Promise.reject(new DOMException('denied', 'NotAllowedError')) },
    });
    render(<ReportActions traceId={TRACE_ID} />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy report' }));
    expect(await screen.findByTestId('report-fallback')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Copied ✓' })).toBeNull();
  });

  it('download the report as incident-<trace id>.md', async () => {
    stubFetch(reportRoute);
    const saved = captureDownloads();
    render(<ReportActions traceId={TRACE_ID} />);
    fireEvent.click(screen.getByRole('button', { name: 'Download report' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]!.name).toBe(`incident-${TRACE_ID}.md`);
    expect(saved[0]!.blob.type).toBe('text/markdown');
    expect(await saved[0]!.blob.text()).toBe(REPORT);
  });

  it('show the collector’s reason when there is no report', async () => {
    stubFetch({
      [`/api/traces/${TRACE_ID}/report`]: () =>
        jsonResponse(
          { code: 'FL_ERR_NOT_FAILING', message: 'trace did not fail at its entry', statusCode: 409 },
          409,
        ),
    });
    render(<ReportActions traceId={TRACE_ID} />);
    fireEvent.click(screen.getByRole('button', { name: 'Download report' }));
    await waitFor(() =>
      expect(screen.getByTestId('report-status').textContent).toBe(
        'Could not get the report: trace did not fail at its entry',
      ),
    );
  });
});
