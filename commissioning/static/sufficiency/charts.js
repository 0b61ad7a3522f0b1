// Draw each dashboard chart from the figure JSON the page carries beside it, then mark the
// moment all are drawn (the browser tests measure a first visit up to it).
const charts = [...document.querySelectorAll("[data-hearth-figure]")].map((chart) => {
  const figure = JSON.parse(document.getElementById(chart.dataset.hearthFigure).textContent);
  return Plotly.newPlot(chart, figure.data, figure.layout, figure.config);
});
Promise.all(charts).then(() => performance.mark("hearth-charts-drawn"));
