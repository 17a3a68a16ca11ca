// Starts Swagger UI on the API docs page. Kept out of the page so that the Content-Security-Policy
// can forbid inline scripts everywhere.
(function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.spec,
    dom_id: "#swagger-ui",
    deepLinking: true,
    // Browser-session writes must carry the CSRF token, as the API requires.
    requestInterceptor: function (request) {
      request.headers["X-CSRFToken"] = root.dataset.csrf;
      return request;
    }
  });
})();
