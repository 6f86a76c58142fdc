import { describeError } from '../api/client';

interface Props {
  error?: unknown;
  success?: string | false;
}

/** The outcome of a form: an alert for errors, a polite status for success. */
export function FormStatus({ error, success }: Props) {
  if (error)
    return (
      <p className="notice notice-error" role="alert">
        {describeError(error)}
      </p>
    );
  return (
    <p className="form-success" role="status">
      {success || ''}
    </p>
  );
}
