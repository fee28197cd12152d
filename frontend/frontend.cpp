#include "frontend.h"

#include "parser.h"
#include "sema/sema.h"

#include <fmt/format.h>

namespace aasim::frontend {

std::unique_ptr<Frontend> Frontend::create(FrontendOptions options, std::string &error) {
  Features features = Features::allSupported();
  if (options.featuresFile) {
    IncludeResolver reader({});
    auto text = reader.read(*options.featuresFile, error);
    if (!text) {
      error = fmt::format("cannot read features file '{}': {}", *options.featuresFile, error);
      return nullptr;
    }
    auto parsed = Features::parse(*text, error);
    if (!parsed) {
      error = fmt::format("{}: {}", *options.featuresFile, error);
      return nullptr;
    }
    features = std::move(*parsed);
  }
  return std::unique_ptr<Frontend>(new Frontend(std::move(options), std::move(features)));
}

namespace {

// abi rules must name a readable features file (or `kernel`/`default`).
void checkAbiRules(const ast::Policy &policy, IncludeResolver &resolver, Diagnostics &diags) {
  auto check = [&](const ast::AbiRule &abi) {
    if (abi.search && (abi.name.text == "kernel" || abi.name.text == "default"))
      return;
    std::string path = abi.name.text;
    if (abi.search) {
      auto found = resolver.search(abi.name.text);
      if (!found) {
        diags.error(abi.loc, fmt::format("Could not open '{}'", abi.name.text));
        return;
      }
      path = *found;
    }
    if (resolver.kind(path) != PathKind::File)
      diags.error(abi.loc, fmt::format("Could not open '{}'", abi.name.text));
  };
  for (const auto &item : policy.preamble)
    if (auto *abi = std::get_if<ast::AbiRule>(&item.node))
      check(*abi);
}

} // namespace

LoadedFile Frontend::load(const std::string &name, std::string text) {
  LoadedFile out;
  out.name = name;
  out.firstDiagnostic = diags_.items().size();
  uint32_t file = sm_.addFile(name, std::move(text));
  Diagnostics local;
  out.policy = parsePolicy(file, ParseInputs{sm_, resolver_, local, out.vars, options_.dialect, &tokens_});
  if (out.policy) {
    checkAbiRules(*out.policy, resolver_, local);
    if (!local.hasErrors())
      sema::analyze(*out.policy, out.vars, features_, local);
  }
  local.applyPolicy(options_.warnings);
  out.accepted = out.policy && !local.hasErrors();
  for (const auto &d : local.items())
    diags_.report(d);
  out.endDiagnostic = diags_.items().size();
  return out;
}

LoadedFile Frontend::loadPath(const std::string &path) {
  std::string error;
  auto text = resolver_.read(path, error);
  if (!text) {
    LoadedFile out;
    out.name = path;
    out.firstDiagnostic = diags_.items().size();
    diags_.error({}, fmt::format("File {} not found or unreadable: {}", path, error));
    out.endDiagnostic = diags_.items().size();
    return out;
  }
  return load(path, *text);
}

} // namespace aasim::frontend
