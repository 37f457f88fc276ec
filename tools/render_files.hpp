#pragma once
// Writing what `render` makes: text as a file, DOT as a file or as SVG or
// PNG through Graphviz's `dot`.

#include <string>

namespace tools {

// Writes `text` to `path`. False with `problem` set when it cannot.
bool write_text(const std::string& path, const std::string& text, std::string& problem);

// "run.jsonl" with "deadlock-1" and "svg" -> "run.deadlock-1.svg".
std::string picture_path(const std::string& base, const std::string& label, const std::string& format);

// Writes `dot_text` to `output` as dot, svg or png. False with `problem`
// set when the file cannot be written or Graphviz is missing or fails.
bool write_picture(const std::string& dot_text, const std::string& output, const std::string& format,
                   std::string& problem);

}  // namespace tools
