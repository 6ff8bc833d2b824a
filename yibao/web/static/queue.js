// 课程审核 queue: "补充课程" adds back a role the document was judged not to concern.
document.querySelectorAll("button.add-role").forEach(function (button) {
  button.addEventListener("click", async function () {
    button.disabled = true;
    const response = await fetch(button.dataset.url, {method: "POST", credentials: "same-origin"});
    if (response.ok) {
      location.href = (await response.json()).url;
    } else {
      button.disabled = false;
      button.textContent = "失败：" + response.status;
    }
  });
});
