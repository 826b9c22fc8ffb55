// Draw every chart on the page from the Plotly JSON in its data-figure attribute.
// Kept out of the HTML so the Content-Security-Policy can forbid inline scripts.
document.querySelectorAll("[data-figure]").forEach(function (el) {
  var fig = JSON.parse(el.getAttribute("data-figure"));
  Plotly.newPlot(el, fig.data, fig.layout, { responsive: true, displaylogo: false });
});
