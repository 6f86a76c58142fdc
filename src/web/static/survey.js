// The survey page's comment counter, and the low-score reasons shown only for a rating at or below
// the threshold. Everything else works without this script (the reasons are then always shown).
const comment = document.getElementById('comment');
const counter = document.getElementById('comment-count');
if (comment && counter) {
  const max = Number(counter.dataset.max);
  const update = () => {
    counter.textContent = `${comment.value.length} / ${max}`;
  };
  comment.addEventListener('input', update);
  update();
}

const reasons = document.getElementById('reasons');
const form = document.getElementById('survey-form');
if (reasons && form) {
  const threshold = Number(reasons.dataset.threshold);
  const show = () => {
    const chosen = form.querySelector('input[name="rating"]:checked');
    reasons.hidden = !chosen || Number(chosen.value) > threshold;
  };
  form.addEventListener('change', show);
  show();
}
