#include "server.h"

#include <httplib.h>
#include <netdb.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "api_routes.h"
#include "dispatcher.h"
#include "error_envelope.h"
#include "text.h"
#include "work_queue.h"

#ifndef CLIPGEN_VERSION
#define CLIPGEN_VERSION "0.0.0"
#endif

namespace clipgen::daemon {
namespace {

using Clock = std::chrono::steady_clock;

// cpp-httplib calls pre-routing, the handler and the logger for one request on one thread.
thread_local Clock::time_point t_request_start{};
thread_local std::optional<Error> t_request_error;

std::string printable(std::string_view s) {
  if (s.empty()) return "-";  // e.g. no method: the request line did not parse
  std::string out;
  for (char c : s.substr(0, 200)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (s.size() > 200) out += "...";
  return out;
}

// cpp-httplib reports only success or failure; bind once more ourselves to learn why.
int bind_errno(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* result = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &result) != 0)
    return EADDRNOTAVAIL;
  int err = 0;
  for (addrinfo* ai = result; ai; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) {
      err = errno;
      continue;
    }
    const int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    err = ::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 ? 0 : errno;
    ::close(fd);
    if (err == 0 || err == EADDRINUSE) break;
  }
  freeaddrinfo(result);
  return err;
}

Incoming to_incoming(const httplib::Request& req) {
  Incoming in;
  in.method = req.method;
  in.path = req.path;
  in.header = [&req](const std::string& name) -> std::optional<std::string> {
    if (!req.has_header(name.c_str())) return std::nullopt;
    return req.get_header_value(name.c_str());
  };
  return in;
}

void write(const Outgoing& out, httplib::Response& res) {
  res.status = out.status;
  for (const auto& [name, value] : out.headers) res.set_header(name.c_str(), value);
  if (!out.body.empty()) res.set_content(out.body, "application/json");
  t_request_error = out.error;
}

bool declares_body(const httplib::Request& req) {
  return req.has_header("Content-Length") ||
         lower(req.get_header_value("Transfer-Encoding")).find("chunked") != std::string::npos;
}

}  // namespace

struct Server::Impl {
  Options options;
  std::unique_ptr<Backend> backend;
  WorkQueue queue;
  ApiContext api;
  std::unique_ptr<Dispatcher> dispatcher;
  httplib::Server http;
  socket_t listen_socket = INVALID_SOCKET;

  Impl(Options opts, std::unique_ptr<Backend> b)
      : options(std::move(opts)),
        backend(std::move(b)),
        queue(options.workers, options.queue),
        api{*backend, queue, std::chrono::seconds(options.request_timeout_s), CLIPGEN_VERSION} {
    Router router;
    add_api_routes(router, api);
    SecurityPolicy policy{options.allow_hosts, options.allow_origins, options.api_key};
    if (!is_loopback_bind_address(options.host) && options.host != "0.0.0.0" &&
        options.host != "::") {
      policy.allowed_hosts.push_back(options.host);  // the name clients use to reach us
    }
    dispatcher =
        std::make_unique<Dispatcher>(std::move(policy), options.max_body, std::move(router));
    configure();
  }

  void serve(const httplib::Request& req, httplib::Response& res, std::string body, bool too_large,
             bool unreadable) {
    Incoming in = to_incoming(req);
    in.body = std::move(body);
    in.body_too_large = too_large;
    in.body_unreadable = unreadable;
    write(dispatcher->handle(in), res);
  }

  // Reads the body ourselves so the limit also holds for chunked bodies, which cpp-httplib
  // 0.11 does not limit. Past the limit the rest is drained (up to a bound) and dropped, so the
  // connection stays in step and the client gets its 413.
  void serve_with_body(const httplib::Request& req, httplib::Response& res,
                       const httplib::ContentReader& reader) {
    std::string body;
    std::size_t seen = 0;
    bool too_large = false;
    const std::size_t max = options.max_body;
    const auto receive = [&](const char* data, std::size_t n) {
      seen += n;
      if (seen > max) {
        too_large = true;
        body.clear();
        return seen <= max * 16;
      }
      body.append(data, n);
      return true;
    };
    bool ok = false;
    if (req.is_multipart_form_data()) {
      ok = reader([](const httplib::MultipartFormData&) { return true; }, receive);
    } else {
      ok = reader(receive);
    }
    if (!ok && res.status == 413) too_large = true;  // Content-Length over the limit
    serve(req, res, std::move(body), too_large, !ok && !too_large);
  }

  void configure() {
    const std::size_t threads = options.http_threads();
    http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    http.set_payload_max_length(options.max_body);
    http.set_keep_alive_timeout(2);  // bounds how long shutdown waits on idle connections
    // Head and body go out in separate writes; without this, Nagle + delayed ACK add ~40 ms.
    http.set_tcp_nodelay(true);
    // Answers are data for programs, never pages to render or cache.
    http.set_default_headers(
        {{"X-Content-Type-Options", "nosniff"}, {"Cache-Control", "no-store"}});
    // cpp-httplib sets SO_REUSEPORT by default, which lets a second daemon share the port
    // silently; SO_REUSEADDR alone still allows a quick restart.
    http.set_socket_options([this](socket_t sock) {
      const int yes = 1;
      ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
      listen_socket = sock;  // the last one offered is the one that binds
    });

    http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      t_request_start = Clock::now();
      t_request_error.reset();
      // A POST without Content-Length or chunked encoding has no body; cpp-httplib would
      // otherwise wait for the connection to close.
      if ((req.method == "POST" || req.method == "PUT" || req.method == "PATCH") &&
          !declares_body(req)) {
        serve(req, res, "", false, false);
        return httplib::Server::HandlerResponse::Handled;
      }
      return httplib::Server::HandlerResponse::Unhandled;
    });

    const auto plain = [this](const httplib::Request& req, httplib::Response& res) {
      serve(req, res, "", false, false);
    };
    const auto with_body = [this](const httplib::Request& req, httplib::Response& res,
                                  const httplib::ContentReader& reader) {
      serve_with_body(req, res, reader);
    };
    http.Get(".*", plain);
    http.Options(".*", plain);
    http.Post(".*", with_body);
    http.Put(".*", with_body);
    http.Patch(".*", with_body);
    http.Delete(".*", with_body);

    // Failures cpp-httplib answers itself (unparsable request, URI too long) get the envelope
    // too; responses that already carry one pass through.
    http.set_error_handler(
        httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
          if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
          Outgoing out = error_response(error_for_status(res.status));
          const int status = res.status;
          write(out, res);
          res.status = status;
          return httplib::Server::HandlerResponse::Handled;
        }));
    http.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
          std::string what = "unknown exception";
          try {
            if (ep) std::rethrow_exception(ep);
          } catch (const std::exception& e) {
            what = e.what();
          } catch (...) {
          }
          write(error_response({ErrorKind::kInternal, "internal error: " + what}), res);
        });

    http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      std::string ms = "-";
      if (t_request_start != Clock::time_point{}) {
        const auto us =
            std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t_request_start);
        ms = fmt::format("{:.1f}", static_cast<double>(us.count()) / 1000.0);
      }
      spdlog::info("{} {} {} {} ms", printable(req.method), printable(req.path), res.status, ms);
      if (t_request_error) {
        const auto level = res.status >= 500 ? spdlog::level::err : spdlog::level::warn;
        spdlog::log(level, "{} {} -> {} {}: {}", printable(req.method), printable(req.path),
                    res.status, type_name(t_request_error->kind),
                    printable(t_request_error->message));
      }
      t_request_start = Clock::time_point{};
      t_request_error.reset();
    });
  }
};

Server::Server(Options options, std::unique_ptr<Backend> backend)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(backend))) {}

Server::~Server() = default;

std::optional<BindFailure> Server::bind() {
  const Options& o = impl_->options;
  const int port = o.port == 0 ? impl_->http.bind_to_any_port(o.host)
                               : (impl_->http.bind_to_port(o.host, o.port) ? o.port : -1);
  if (port > 0) {
    // cpp-httplib 0.11 listens with a backlog of 5, compiled into the library: a burst of a few
    // dozen connections (16 clients, a busy Live set) overflowed it and some were reset. A second
    // listen() on the bound socket raises it (Linux, macOS; Windows keeps the first value).
    if (impl_->listen_socket != INVALID_SOCKET) ::listen(impl_->listen_socket, SOMAXCONN);
    port_ = port;
    return std::nullopt;
  }
  const int err = o.port == 0 ? 0 : bind_errno(o.host, o.port);
  if (err == EADDRINUSE) {
    return BindFailure{true, "port " + std::to_string(o.port) +
                                 " is already in use \u2014 is another clipgend running? choose "
                                 "another with --port"};
  }
  std::string why = err == EACCES          ? "permission denied (ports below 1024 need privileges)"
                    : err == EADDRNOTAVAIL ? "it is not an address of this machine"
                    : err != 0             ? std::strerror(err)
                                           : "the system refused";
  return BindFailure{false,
                     "cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " + why};
}

std::string Server::url() const {
  const std::string& h = impl_->options.host;
  const bool v6 = h.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + h + "]" : h) + ":" + std::to_string(port_);
}

void Server::run() {
  run_started_ = true;
  if (!stop_requested_) impl_->http.listen_after_bind();
  run_finished_ = true;
  // Every HTTP thread has finished (cpp-httplib joins its pool), so no one waits on a job now.
  impl_->queue.shutdown();
}

// cpp-httplib's stop() does nothing before its accept loop runs and must not be called twice,
// so wait for the loop to start and call it once.
void Server::stop() {
  stop_requested_ = true;
  while (run_started_ && !run_finished_ && !impl_->http.is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (impl_->http.is_running() && !stopped_.exchange(true)) impl_->http.stop();
}

}  // namespace clipgen::daemon
