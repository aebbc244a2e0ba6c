#include "tokenserver/web/html.h"

#include "absl/strings/str_cat.h"
#include "common/crypto/random.h"

namespace nauthera {
namespace {

constexpr char kStyles[] = R"css(
:root { color-scheme: light dark; --accent: #3056d3; --bg: #f3f5f9; --card: #fff;
        --text: #1b2330; --muted: #5b6678; --error-bg: #fdecec; --error: #a11d1d; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #11151c; --card: #1b212b; --text: #e8ecf2; --muted: #9aa5b5;
          --error-bg: #3b1d1d; --error: #ffb4b4; --accent: #6f8ff0; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center;
       background: var(--bg); color: var(--text);
       font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { width: 100%; max-width: 400px; padding: 24px; }
.card { background: var(--card); border-radius: 12px; padding: 32px;
        box-shadow: 0 1px 3px rgba(0,0,0,.12), 0 8px 24px rgba(0,0,0,.06); }
.brand { font-weight: 700; letter-spacing: .02em; color: var(--accent); margin: 0 0 24px; }
h1 { font-size: 1.35rem; margin: 0 0 4px; }
.sub { color: var(--muted); margin: 0 0 24px; font-size: .95rem; }
label { display: block; font-weight: 600; font-size: .9rem; margin: 16px 0 6px; }
input[type=text], input[type=password] { width: 100%; padding: 10px 12px; font-size: 1rem;
       border: 1px solid #b8c0cc; border-radius: 8px; background: transparent; color: inherit; }
input:focus { outline: 3px solid color-mix(in srgb, var(--accent) 35%, transparent);
              border-color: var(--accent); }
button { margin-top: 24px; width: 100%; padding: 11px; font-size: 1rem; font-weight: 600;
         border: 0; border-radius: 8px; background: var(--accent); color: #fff; cursor: pointer; }
.error { background: var(--error-bg); color: var(--error); border-radius: 8px;
         padding: 10px 12px; margin: 0 0 8px; font-size: .95rem; }
footer { color: var(--muted); font-size: .8rem; text-align: center; margin-top: 16px; }
ul.scopes { margin: 0 0 16px; padding-left: 1.2rem; }
ul.scopes li { margin: 6px 0; }
.actions { display: flex; gap: 12px; }
.actions button { flex: 1; }
button.secondary { background: transparent; color: var(--text); border: 1px solid #b8c0cc; }
.note { margin: 16px 0 0; }
)css";

}  // namespace

std::string HtmlEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

HttpResponse HtmlPage(int status, absl::string_view title, absl::string_view body_html,
                      absl::string_view form_action) {
  std::string nonce = RandomToken(16);
  HttpResponse response;
  response.status = status;
  response.body = absl::StrCat(
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<meta name=\"referrer\" content=\"no-referrer\"><title>",
      HtmlEscape(title), " · Nauthera</title><style nonce=\"", nonce, "\">", kStyles,
      "</style></head><body><main>", body_html,
      "<footer>Secured by Nauthera</footer></main></body></html>\n");
  response.SetHeader("Content-Type", "text/html; charset=utf-8");
  response.SetHeader("Content-Security-Policy",
                     absl::StrCat("default-src 'none'; style-src 'nonce-", nonce,
                                  "'; img-src 'self'; form-action ", form_action,
                                  "; frame-ancestors 'none'; base-uri 'none'"));
  response.SetHeader("X-Frame-Options", "DENY");
  response.SetHeader("Referrer-Policy", "no-referrer");
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

HttpResponse ErrorPage(int status, absl::string_view title, absl::string_view message) {
  return HtmlPage(status, title,
                  absl::StrCat("<div class=\"card\"><p class=\"brand\">Nauthera</p><h1>",
                               HtmlEscape(title), "</h1><p class=\"sub\" role=\"alert\">",
                               HtmlEscape(message), "</p></div>"));
}

}  // namespace nauthera
