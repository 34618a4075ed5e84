// JSON -> typed requests. Every problem is collected so one 400 names all of them.
#include "clipgen/engine/requests.h"

#include <cmath>
#include <sstream>

#include "clipgen/protocol/json.h"

namespace clipgen::engine {
namespace {

using nlohmann::json;

std::string format_number(double v) {
  std::ostringstream out;
  out.precision(15);
  out << v;
  return out.str();
}

std::string range_text(const Range& r) {
  return format_number(r.min) + ".." + format_number(r.max);
}

// Reads controls from one request object, collecting problems instead of stopping at the first.
class Reader {
 public:
  explicit Reader(const json& body) : body_(body) {
    if (!body_.is_object()) problems_.push_back("the request body must be a JSON object");
  }

  // The field or nullptr when absent or null (both mean "use the default").
  const json* find(const char* name) const {
    if (!body_.is_object()) return nullptr;
    auto it = body_.find(name);
    if (it == body_.end() || it->is_null()) return nullptr;
    return &*it;
  }

  int integer(const char* name, const Range& r) {
    const json* v = find(name);
    if (!v) return static_cast<int>(r.fallback);
    if (!v->is_number() || !std::isfinite(v->get<double>()) ||
        v->get<double>() != std::floor(v->get<double>())) {
      fail(name, "must be a whole number from " + range_text(r));
      return static_cast<int>(r.fallback);
    }
    const double d = v->get<double>();
    if (d < r.min || d > r.max) {
      fail(name, format_number(d) + " is outside " + range_text(r));
      return static_cast<int>(r.fallback);
    }
    return static_cast<int>(d);
  }

  double number(const char* name, const Range& r) {
    const json* v = find(name);
    if (!v) return r.fallback;
    if (!v->is_number()) {
      fail(name, "must be a number from " + range_text(r));
      return r.fallback;
    }
    const double d = v->get<double>();
    if (!(d >= r.min && d <= r.max)) {
      fail(name, format_number(d) + " is outside " + range_text(r));
      return r.fallback;
    }
    return d;
  }

  std::optional<std::uint64_t> seed() {
    const json* v = find("seed");
    if (!v) return std::nullopt;
    const std::string want = "must be a whole number from 0 to " + std::to_string(kMaxSeed);
    if (v->is_number_unsigned()) {
      const auto s = v->get<std::uint64_t>();
      if (s > kMaxSeed)
        fail("seed", std::to_string(s) + " is outside 0.." + std::to_string(kMaxSeed));
      return s;
    }
    if (v->is_number_integer()) {  // signed storage; nlohmann also keeps small positives here
      const auto s = v->get<std::int64_t>();
      if (s >= 0) {
        if (static_cast<std::uint64_t>(s) > kMaxSeed) {
          fail("seed", std::to_string(s) + " is outside 0.." + std::to_string(kMaxSeed));
        }
        return static_cast<std::uint64_t>(s);
      }
      fail("seed", std::to_string(s) + " is negative; it " + want);
      return std::nullopt;
    }
    if (v->is_number_float()) {
      const double d = v->get<double>();
      if (d >= 0 && d <= static_cast<double>(kMaxSeed) && d == std::floor(d)) {
        return static_cast<std::uint64_t>(d);
      }
    }
    fail("seed", want);
    return std::nullopt;
  }

  std::optional<Kind> kind(bool required) {
    const json* v = find("kind");
    if (!v) {
      if (required) fail("kind", "is required: \"melody\" or \"drums\"");
      return std::nullopt;
    }
    if (v->is_string()) {
      if (auto k = kind_from_name(v->get<std::string>())) return k;
    }
    fail("kind", "must be \"melody\" or \"drums\", got " + v->dump());
    return std::nullopt;
  }

  protocol::NoteSequence sequence(const char* name, const protocol::Limits& limits) {
    const json* v = find(name);
    if (!v) {
      fail(name, "is required (a NoteSequence)");
      return {};
    }
    if (!v->is_object()) {
      fail(name, "must be a NoteSequence object");
      return {};
    }
    protocol::ParseOptions options;
    options.limits = limits;
    options.location_prefix = name;
    auto parsed = protocol::parse_note_sequence(*v, options);
    if (!parsed) {
      problems_.push_back(parsed.error().message);
      return {};
    }
    return std::move(parsed).value();
  }

  template <typename T>
  Result<T> finish(T value) const {
    if (problems_.empty()) return value;
    std::string message;
    for (const auto& p : problems_) message += (message.empty() ? "" : "; ") + p;
    return make_error(ErrorKind::kInvalidRequest, message);
  }

 private:
  void fail(const char* name, const std::string& what) {
    problems_.push_back(std::string(name) + ": " + what);
  }

  const json& body_;
  std::vector<std::string> problems_;
};

}  // namespace

std::string_view tool_name(Tool tool) {
  switch (tool) {
    case Tool::kGenerate:
      return "generate";
    case Tool::kContinue:
      return "continue";
    case Tool::kInterpolate:
      return "interpolate";
    case Tool::kGroove:
      return "groove";
    case Tool::kDrumify:
      return "drumify";
  }
  return "generate";
}

std::optional<Tool> tool_from_name(std::string_view name) {
  for (Tool t :
       {Tool::kGenerate, Tool::kContinue, Tool::kInterpolate, Tool::kGroove, Tool::kDrumify}) {
    if (tool_name(t) == name) return t;
  }
  return std::nullopt;
}

std::string_view kind_name(Kind kind) {
  return kind == Kind::kDrums ? "drums" : "melody";
}

std::optional<Kind> kind_from_name(std::string_view name) {
  if (name == "melody") return Kind::kMelody;
  if (name == "drums") return Kind::kDrums;
  return std::nullopt;
}

Tool tool_of(const ToolRequest& request) {
  return static_cast<Tool>(request.index());  // variant order follows enum Tool
}

Result<GenerateRequest> parse_generate(const json& body) {
  Reader r(body);
  GenerateRequest req;
  req.kind = r.kind(true).value_or(Kind::kMelody);
  req.variations = r.integer("variations", kGenerateVariations);
  req.temperature = r.number("temperature", kTemperature);
  req.seed = r.seed();
  return r.finish(std::move(req));
}

Result<ContinueRequest> parse_continue(const json& body, const protocol::Limits& limits) {
  Reader r(body);
  ContinueRequest req;
  req.input = r.sequence("input", limits);
  req.kind = r.kind(false);
  req.variations = r.integer("variations", kContinueVariations);
  req.length = r.integer("length", kContinueLength);
  req.temperature = r.number("temperature", kTemperature);
  req.seed = r.seed();
  return r.finish(std::move(req));
}

Result<InterpolateRequest> parse_interpolate(const json& body, const protocol::Limits& limits) {
  Reader r(body);
  InterpolateRequest req;
  req.a = r.sequence("a", limits);
  req.b = r.sequence("b", limits);
  req.kind = r.kind(false);
  req.steps = r.integer("steps", kInterpolateSteps);
  req.temperature = r.number("temperature", kTemperature);
  req.seed = r.seed();
  return r.finish(std::move(req));
}

Result<GrooveRequest> parse_groove(const json& body, const protocol::Limits& limits) {
  Reader r(body);
  GrooveRequest req;
  req.input = r.sequence("input", limits);
  req.temperature = r.number("temperature", kTemperature);
  req.amount = r.number("amount", kGrooveAmount);
  req.seed = r.seed();
  return r.finish(std::move(req));
}

Result<DrumifyRequest> parse_drumify(const json& body, const protocol::Limits& limits) {
  Reader r(body);
  DrumifyRequest req;
  req.input = r.sequence("input", limits);
  req.temperature = r.number("temperature", kTemperature);
  req.variations = r.integer("variations", kDrumifyVariations);
  req.seed = r.seed();
  return r.finish(std::move(req));
}

namespace {
template <typename T>
Result<ToolRequest> widen(Result<T> r) {
  if (!r) return r.error();
  return ToolRequest(std::move(r).value());
}
}  // namespace

Result<ToolRequest> parse_request(Tool tool, const json& body, const protocol::Limits& limits) {
  switch (tool) {
    case Tool::kGenerate:
      return widen(parse_generate(body));
    case Tool::kContinue:
      return widen(parse_continue(body, limits));
    case Tool::kInterpolate:
      return widen(parse_interpolate(body, limits));
    case Tool::kGroove:
      return widen(parse_groove(body, limits));
    case Tool::kDrumify:
      return widen(parse_drumify(body, limits));
  }
  return make_error(ErrorKind::kNotFound, "unknown tool");
}

namespace {
void put_seed(json& j, const std::optional<std::uint64_t>& seed) {
  if (seed) j["seed"] = *seed;
}
void put_kind(json& j, const std::optional<Kind>& kind) {
  if (kind) j["kind"] = std::string(kind_name(*kind));
}
}  // namespace

json to_json(const ToolRequest& request) {
  json j = json::object();
  std::visit(
      [&j](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        j["temperature"] = r.temperature;
        put_seed(j, r.seed);
        if constexpr (std::is_same_v<T, GenerateRequest>) {
          j["kind"] = std::string(kind_name(r.kind));
          j["variations"] = r.variations;
        } else if constexpr (std::is_same_v<T, ContinueRequest>) {
          j["input"] = protocol::to_json(r.input);
          put_kind(j, r.kind);
          j["variations"] = r.variations;
          j["length"] = r.length;
        } else if constexpr (std::is_same_v<T, InterpolateRequest>) {
          j["a"] = protocol::to_json(r.a);
          j["b"] = protocol::to_json(r.b);
          put_kind(j, r.kind);
          j["steps"] = r.steps;
        } else if constexpr (std::is_same_v<T, GrooveRequest>) {
          j["input"] = protocol::to_json(r.input);
          j["amount"] = r.amount;
        } else {
          j["input"] = protocol::to_json(r.input);
          j["variations"] = r.variations;
        }
      },
      request);
  return j;
}

std::string to_json_string(const ToolResponse& response) {
  // Keys in the order nlohmann's dump() writes them (sorted); the small fields go through it.
  std::string out = "{\"elapsedMs\":" + json(response.elapsed_ms).dump() + ",\"model\":" +
                    json(response.model).dump(-1, ' ', false, json::error_handler_t::replace) +
                    ",\"seed\":" + std::to_string(response.seed) + ",\"sequences\":[";
  for (size_t i = 0; i < response.sequences.size(); ++i) {
    if (i) out += ',';
    protocol::append_json(response.sequences[i], out);
  }
  out += "],\"warnings\":";
  out += json(response.warnings).dump(-1, ' ', false, json::error_handler_t::replace);
  out += '}';
  return out;
}

json to_json(const ToolResponse& response) {
  json seqs = json::array();
  for (const auto& s : response.sequences) seqs.push_back(protocol::to_json(s));
  return json{{"sequences", std::move(seqs)},
              {"seed", response.seed},
              {"warnings", response.warnings},
              {"model", response.model},
              {"elapsedMs", response.elapsed_ms}};
}

}  // namespace clipgen::engine
