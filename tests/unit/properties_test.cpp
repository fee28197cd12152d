// Property tests: the frontend is total (any input ends in accept or a
// located error), and variable expansion agrees with a direct definition.
#include "test_support.h"

#include "frontend/variables.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

using aasim::test::checkText;
using namespace aasim::frontend;

RC_GTEST_PROP(Properties, AnyBytesEndInAcceptOrALocatedError, (const std::string &text)) {
  auto r = checkText(text);
  RC_ASSERT(r.accepted || !r.firstError.empty());
}

RC_GTEST_PROP(Properties, ProfileShapedNoiseNeverCrashes, ()) {
  static const std::vector<std::string> kPieces = {
      "profile", " ", "p", "{", "}", ",", "\n", "/a", "rw", "@{A}", "=", "(", ")", "network", "inet",
      "signal", "peer=", "\"", "#", "include", "<x>", "if", "$B", "->", "deny", "audit", "owner", "^h",
      "capability", "mount", "options=", "dbus", "bus=", "unix", "ix", "px", "priority=", "1", "\\"};
  auto parts = *rc::gen::container<std::vector<int>>(rc::gen::inRange<int>(0, static_cast<int>(kPieces.size())));
  std::string text = "@{A} = /x\n";
  for (int i : parts)
    text += kPieces[i];
  auto r = checkText(text);
  RC_ASSERT(r.accepted || !r.firstError.empty());
}

RC_GTEST_PROP(Properties, SetExpansionIsTheCrossProductOfValues, ()) {
  auto word = rc::gen::nonEmpty(rc::gen::container<std::string>(rc::gen::element('a', 'b', 'c')));
  auto as = *rc::gen::nonEmpty(rc::gen::container<std::vector<std::string>>(word));
  auto bs = *rc::gen::nonEmpty(rc::gen::container<std::vector<std::string>>(word));
  VariableTable t;
  t.defineSet("A", as, {});
  t.defineSet("B", bs, {});
  ExpandError err;
  auto got = t.expandToSet("/@{A}/@{B}", err);
  RC_ASSERT(got.has_value());
  std::set<std::string> want;
  for (const auto &a : as)
    for (const auto &b : bs)
      want.insert("/" + a + "/" + b);
  RC_ASSERT(*got == want);
}
