import type { CsatAgentRow } from '../../api/types';
import { formatAverage, formatChange, formatPercent } from '../../lib/format';
import { Sparkline } from './Sparkline';

function Change({ value, kind }: { value: number | null; kind: 'average' | 'share' }) {
  const text = formatChange(value, kind);
  const direction = text.startsWith('+') ? 'up' : text.startsWith('−') ? 'down' : 'flat';
  return (
    <span className={`change-${direction}`}>
      <span aria-hidden="true">{direction === 'up' ? '▲ ' : direction === 'down' ? '▼ ' : ''}</span>
      {text}
    </span>
  );
}

/** Per staff member; a small sample shows its 95% Wilson interval instead of reading as a verdict. */
export function AgentTable({ agents }: { agents: CsatAgentRow[] }) {
  return (
    <section aria-labelledby="agents-title" className="card">
      <h2 id="agents-title">Per staff member</h2>
      {agents.length === 0 ? (
        <p className="empty">No data for this period.</p>
      ) : (
        <div className="table-wrap">
          <table className="agent-table">
            <thead>
              <tr>
                <th scope="col">Agent</th>
                <th scope="col">Answers</th>
                <th scope="col">Average</th>
                <th scope="col">CSAT score</th>
                <th scope="col">Trend</th>
                <th scope="col">Change vs previous</th>
                <th scope="col">Response rate</th>
              </tr>
            </thead>
            <tbody>
              {agents.map((row) => (
                <tr key={row.agent?.id ?? 'none'} data-agent={row.agent?.id ?? 'none'}>
                  <th scope="row">{row.agent?.name ?? 'Unassigned'}</th>
                  <td>{row.answers}</td>
                  <td>{formatAverage(row.average)}</td>
                  <td>
                    {formatPercent(row.csatScore)}
                    {row.smallSample && (
                      <span className="small-sample">
                        <span className="badge badge-warn">Small sample</span>
                        {row.csatInterval && (
                          <span className="muted small">
                            {' '}
                            95% interval {formatPercent(row.csatInterval.low)}–
                            {formatPercent(row.csatInterval.high)}
                          </span>
                        )}
                      </span>
                    )}
                  </td>
                  <td>
                    <Sparkline trend={row.trend} />
                  </td>
                  <td>
                    <Change value={row.change.average} kind="average" /> avg
                    <br />
                    <Change value={row.change.csatScore} kind="share" /> CSAT
                  </td>
                  <td>{formatPercent(row.responseRate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
