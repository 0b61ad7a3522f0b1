// Draw each dashboard chart from the figure JSON the page carries beside it.
for (const chart of document.querySelectorAll("[data-hearth-figure]")) {
  const figure = JSON.parse(document.getElementById(chart.dataset.hearthFigure).textContent);
  Plotly.newPlot(chart, figure.data, figure.layout, figure.config);
}
