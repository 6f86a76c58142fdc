import type { CsatAgentRow } from '../../api/types';
import { formatAverage, formatChange, formatPercent } from '../../lib/format';
import { t } from '../../lib/i18n';
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
      <h2 id="agents-title">{t('csat.agents.title')}</h2>
      {agents.length === 0 ? (
        <p className="empty">{t('csat.noData')}</p>
      ) : (
        <div className="table-wrap">
          <table className="agent-table">
            <thead>
              <tr>
                <th scope="col">{t('csat.agents.agent')}</th>
                <th scope="col">{t('csat.answers')}</th>
                <th scope="col">{t('csat.average')}</th>
                <th scope="col">{t('csat.score')}</th>
                <th scope="col">{t('csat.agents.trend')}</th>
                <th scope="col">{t('csat.agents.change')}</th>
                <th scope="col">{t('csat.responseRate')}</th>
              </tr>
            </thead>
            <tbody>
              {agents.map((row) => (
                <tr key={row.agent?.id ?? 'none'} data-agent={row.agent?.id ?? 'none'}>
                  <th scope="row">{row.agent?.name ?? t('common.unassigned')}</th>
                  <td>{row.answers}</td>
                  <td>{formatAverage(row.average)}</td>
                  <td>
                    {formatPercent(row.csatScore)}
                    {row.smallSample && (
                      <span className="small-sample">
                        <span className="badge badge-warn">{t('csat.agents.smallSample')}</span>
                        {row.csatInterval && (
                          <span className="muted small">
                            {' '}
                            {t('csat.agents.interval', {
                              low: formatPercent(row.csatInterval.low),
                              high: formatPercent(row.csatInterval.high),
                            })}
                          </span>
                        )}
                      </span>
                    )}
                  </td>
                  <td>
                    <Sparkline trend={row.trend} />
                  </td>
                  <td>
                    <Change value={row.change.average} kind="average" /> {t('csat.agents.changeAverage')}
                    <br />
                    <Change value={row.change.csatScore} kind="share" /> {t('csat.agents.changeScore')}
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
