// Progressive enhancement only: the consent gate works without JavaScript (CSS :checked rules).
// Adds the QR source code (?s=r) to the consent id in the prepared message: "3f2a9c1b" -> "3f2a9c1b/r",
// in the chat links and in the preview of the message, so the preview stays exactly what is sent.
(function () {
  var form = document.getElementById("consent");
  var m = /[?&]s=([a-z0-9]{1,8})(?:&|$)/.exec(location.search);
  if (!form || !m) return;
  var code = m[1], id = form.getAttribute("data-version");
  if ((" " + form.getAttribute("data-sources") + " ").indexOf(" " + code + " ") < 0) return;
  var links = form.querySelectorAll("a.go");
  for (var i = 0; i < links.length; i++) {
    var parts = links[i].href.split("?text=");
    if (parts.length === 2) links[i].href = parts[0] + "?text=" + parts[1].replace(id, id + "%2F" + code);
  }
  var bubbles = form.querySelectorAll("p.msg");
  for (var j = 0; j < bubbles.length; j++) {
    var node = bubbles[j].lastChild;
    if (node && node.nodeType === 3) node.nodeValue = node.nodeValue.replace(id, id + "/" + code);
  }
})();
