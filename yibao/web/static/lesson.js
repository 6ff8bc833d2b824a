// The lesson review page: live preview, quiz editor, save / approve / reject / regenerate.
(function () {
  var data = JSON.parse(document.getElementById("lesson-data").textContent);
  var body = document.getElementById("body"), preview = document.getElementById("preview");
  var msg = document.getElementById("message"), quizBox = document.getElementById("quiz");
  var revision = data.revision, closed = ["approved", "rejected", "regenerating"].indexOf(data.status) >= 0;
  var KINDS = {choice: "单选", truefalse: "判断", numeric: "数值"};

  function show(text, ok) { msg.textContent = text; msg.className = ok ? "ok" : "error"; }
  // The preview is rendered on the server (raw HTML off, safe URLs only: yibao.web.render).
  var pending = null, shown = null;
  function refresh() {
    var text = body.value;
    if (text === shown) return;
    fetch(document.body.dataset.base + "/api/preview", {method: "POST", credentials: "same-origin",
                                 headers: {"Content-Type": "application/json"}, body: JSON.stringify({body_md: text})})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (j) { if (body.value === text) { preview.innerHTML = j.html; shown = text; } })
      .catch(function (e) { preview.textContent = "预览失败 (" + e + ")"; });
  }
  body.addEventListener("input", function () { clearTimeout(pending); pending = setTimeout(refresh, 250); });
  refresh();

  function field(label, value, cls) {
    var l = document.createElement("label"); l.textContent = label;
    var inp = document.createElement("input"); inp.value = value || ""; inp.className = cls;
    return [l, inp];
  }
  function addQuiz(q) {
    var box = document.createElement("div"); box.className = "quiz-item";
    var kl = document.createElement("label"); kl.textContent = "题型";
    var kind = document.createElement("select"); kind.className = "q-kind";
    Object.keys(KINDS).forEach(function (k) { var o = document.createElement("option"); o.value = k; o.textContent = KINDS[k]; kind.appendChild(o); });
    kind.value = q.kind || "choice";
    [[kl, kind]].concat([field("题目", q.question, "q-question"), field("答案", q.answer, "q-answer"),
      field("干扰项(；分隔)", (q.distractors || []).join("；"), "q-distractors"), field("依据条款", q.ref, "q-ref")])
      .forEach(function (pair) { box.appendChild(pair[0]); box.appendChild(pair[1]); });
    var del = document.createElement("button"); del.type = "button"; del.textContent = "删除此题";
    del.onclick = function () { box.remove(); }; box.appendChild(del);
    quizBox.appendChild(box);
  }
  (data.quiz || []).forEach(addQuiz);
  document.getElementById("add-q").onclick = function () { addQuiz({kind: "choice"}); };

  function quiz() {
    return Array.prototype.map.call(quizBox.querySelectorAll(".quiz-item"), function (b) {
      var v = function (c) { return b.querySelector("." + c).value.trim(); };
      return {kind: v("q-kind"), question: v("q-question"), answer: v("q-answer"), ref: v("q-ref"),
              distractors: v("q-distractors").split(/[；;]/).map(function (s) { return s.trim(); }).filter(Boolean)};
    });
  }
  function errorText(j, status) {
    var d = j && j.detail;
    if (d && d.message) return d.message;
    if (typeof d === "string") return d;
    if (Array.isArray(d)) return d.map(function (e) { return e.msg; }).join("；");
    return "请求失败 (" + status + ")";
  }
  function send(method, url, payload, done) {
    var buttons = document.querySelectorAll("button"); buttons.forEach(function (b) { b.disabled = true; });
    fetch(url, {method: method, credentials: "same-origin", headers: {"Content-Type": "application/json"},
                body: JSON.stringify(payload)})
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (j) { return [r, j]; }); })
      .then(function (rj) {
        var r = rj[0], j = rj[1];
        if (!r.ok) { show(errorText(j, r.status), false); if (!closed) buttons.forEach(function (b) { b.disabled = false; }); return; }
        revision = j.revision; done(j);
      })
      .catch(function (e) { show("网络错误：" + e, false); buttons.forEach(function (b) { b.disabled = false; }); });
  }
  var base = document.body.dataset.base + "/api/lessons/" + data.id;
  document.getElementById("save").onclick = function () {
    send("PUT", base, {revision: revision, body_md: body.value, quiz: quiz(), comment: document.getElementById("comment").value},
      function () { show("已保存（版本 " + revision + "）", true); document.querySelectorAll("button").forEach(function (b) { b.disabled = false; }); });
  };
  var LABEL = {approve: "已批准", reject: "已驳回", regenerate: "已提交重新生成"};
  document.querySelectorAll("button[data-action]").forEach(function (btn) {
    btn.onclick = function () {
      var action = btn.getAttribute("data-action");
      send("POST", base + "/decision", {action: action, revision: revision, body_md: body.value, quiz: quiz(),
                                         comment: document.getElementById("comment").value},
        function (j) { closed = true; document.getElementById("status").textContent = j.status;
                       show(LABEL[action] + "（" + j.hitl.status + "）", true); });
    };
  });
  if (closed) { document.querySelectorAll("button").forEach(function (b) { b.disabled = true; }); show("该课程已处理：" + data.status, true); }
})();
