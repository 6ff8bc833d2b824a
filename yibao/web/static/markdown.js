// A tiny Markdown renderer for the live preview: headings, lists, bold/italic, code, links, tables, paragraphs.
(function () {
  function esc(s) { return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"); }
  function inline(s) {
    return esc(s)
      .replace(/`([^`]+)`/g, "<code>$1</code>")
      .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
      .replace(/\*([^*]+)\*/g, "<em>$1</em>")
      .replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '<a href="$2" target="_blank" rel="noopener">$1</a>');
  }
  function cells(line) { return line.trim().replace(/^\||\|$/g, "").split("|").map(function (c) { return c.trim(); }); }
  function render(md) {
    var lines = md.replace(/\r\n?/g, "\n").split("\n"), out = [], list = null, para = [], i = 0;
    function flushPara() { if (para.length) { out.push("<p>" + inline(para.join(" ")) + "</p>"); para = []; } }
    function closeList() { if (list) { out.push("</" + list + ">"); list = null; } }
    while (i < lines.length) {
      var line = lines[i], m;
      if (/^```/.test(line)) {
        flushPara(); closeList(); var code = []; i++;
        while (i < lines.length && !/^```/.test(lines[i])) { code.push(esc(lines[i])); i++; }
        out.push("<pre><code>" + code.join("\n") + "</code></pre>"); i++; continue;
      }
      if (/^\s*\|.*\|\s*$/.test(line) && i + 1 < lines.length && /^\s*\|?[\s:-]+\|/.test(lines[i + 1])) {
        flushPara(); closeList();
        var head = cells(line).map(function (c) { return "<th>" + inline(c) + "</th>"; }).join(""), body = [];
        i += 2;
        while (i < lines.length && /^\s*\|/.test(lines[i])) {
          body.push("<tr>" + cells(lines[i]).map(function (c) { return "<td>" + inline(c) + "</td>"; }).join("") + "</tr>"); i++;
        }
        out.push("<table><thead><tr>" + head + "</tr></thead><tbody>" + body.join("") + "</tbody></table>"); continue;
      }
      if ((m = /^(#{1,6})\s+(.*)$/.exec(line))) { flushPara(); closeList(); out.push("<h" + m[1].length + ">" + inline(m[2]) + "</h" + m[1].length + ">"); }
      else if ((m = /^\s*[-*+]\s+(.*)$/.exec(line))) { flushPara(); if (list !== "ul") { closeList(); out.push("<ul>"); list = "ul"; } out.push("<li>" + inline(m[1]) + "</li>"); }
      else if ((m = /^\s*\d+[.)]\s+(.*)$/.exec(line))) { flushPara(); if (list !== "ol") { closeList(); out.push("<ol>"); list = "ol"; } out.push("<li>" + inline(m[1]) + "</li>"); }
      else if ((m = /^>\s?(.*)$/.exec(line))) { flushPara(); closeList(); out.push("<blockquote>" + inline(m[1]) + "</blockquote>"); }
      else if (/^\s*$/.test(line)) { flushPara(); closeList(); }
      else { closeList(); para.push(line.trim()); }
      i++;
    }
    flushPara(); closeList();
    return out.join("\n");
  }
  window.yibaoMarkdown = render;
})();
