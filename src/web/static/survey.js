// The survey page's comment counter. Everything else works without this script.
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
