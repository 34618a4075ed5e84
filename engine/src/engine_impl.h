// Engine internals shared by engine.cpp and the tool files (no torch).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "clipgen/engine/engine.h"
#include "model.h"

namespace clipgen::engine {

struct Engine::Impl {
  EngineOptions options;
  std::string device;
  int threads = 1;
  int native_threads = 1;
  std::vector<std::unique_ptr<detail::Model>> models;  // in file-name order

  // The first ready model that serves `tool` with a converter of `converter` type, or
  // kUnavailable saying why there is none (missing, or broken with the model's reason).
  Result<const detail::Model*> find(Tool tool, const std::string& converter) const;
};

namespace detail {

Result<ToolResponse> run_generate(const Engine::Impl& e, const GenerateRequest& r,
                                  const ProgressFn& progress);
Result<ToolResponse> run_continue(const Engine::Impl& e, const ContinueRequest& r,
                                  const ProgressFn& progress);
Result<ToolResponse> run_interpolate(const Engine::Impl& e, const InterpolateRequest& r,
                                     const ProgressFn& progress);
Result<ToolResponse> run_groove(const Engine::Impl& e, const GrooveRequest& r,
                                const ProgressFn& progress);
Result<ToolResponse> run_drumify(const Engine::Impl& e, const DrumifyRequest& r,
                                 const ProgressFn& progress);

inline void report(const ProgressFn& progress, int done, int total, const std::string& what) {
  if (progress) progress(done, total, what);
}

}  // namespace detail
}  // namespace clipgen::engine
