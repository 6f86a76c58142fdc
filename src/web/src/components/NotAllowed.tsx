/** Shown when someone follows a link to a screen their role does not include. */
export function NotAllowed({ what }: { what: string }) {
  return (
    <section aria-labelledby="not-allowed">
      <h1 id="not-allowed">Not available</h1>
      <p>Your role in this project does not include {what}. Ask an administrator if you need access.</p>
    </section>
  );
}
