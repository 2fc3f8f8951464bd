"""A model as a C header for firmware (``kws export-c``): a 16-byte aligned ``const unsigned char`` array.

Why this shape: TensorFlow Lite Micro firmware links the model into flash as a const array, and a firmware
project includes the model's header from several files (the one that builds the interpreter, the one that
reads the parameters, a test). An array defined in the header would be defined once per including file: the
link fails with "multiple definition", and ``static`` would put one copy of the model in flash per file.
So the header is declaration-only by default (``extern const``) and defines the array where
``KWS_<NAME>_IMPLEMENTATION`` is defined before the include -- in exactly one file, as single-header C
libraries do it. The definition sits outside the include guard (guarded on its own), so the implementing
file may also have included the header earlier without the macro. NAME is spelt so that two arrays never share
a guard or a macro (:func:`macro_spelling`).

The model's parameters go into the leading comment as plain text (``yes, no``, ``true``, ``0.95``): people
read them next to C code, not Python. What the firmware's code reads -- the arena size, labels, detection and
frontend parameters, tensors, operators -- follows the declarations as macros (:mod:`c_integration`).
"""

from __future__ import annotations

import hashlib
import re
import textwrap
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np

BYTES_PER_LINE = 12
ALIGNMENT_BYTES = 16  # TensorFlow Lite Micro reads the flatbuffer in place: it must be 16-byte aligned
BYTES_SHOWN_OF_BINARY = 16
LIST_SEPARATOR = ", "
C_IDENTIFIER = re.compile(r"[^0-9A-Za-z_]")
UNDERSCORE_RUN = re.compile(r"_{2,}")
SAFE_PREFIX = "model"  # before a name that would be a keyword, reserved, or start with a digit
ALIGN_MACRO = "KWS_MODEL_ALIGN"  # the header's own macro: an array of that name would be expanded away
COMMENT_WIDTH = 110  # the header's wrapped comments (its parameter lines keep their length)
CONTENT_TAG_CHARS = 8  # hex digits of the model's hash in the guards: 4 billion to one against two models sharing

# Every keyword and alternative token of C11 and C++20 (and the keywords C23 added): a model file called
# int.tflite or static_cast.tflite must not give `const unsigned char int[]`, which no compiler takes
C_KEYWORDS = frozenset("""
    auto break case char const continue default do double else enum extern float for goto if inline int long
    register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while
    _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn _Static_assert _Thread_local
    alignas alignof asm bool catch char8_t char16_t char32_t class concept consteval constexpr constinit
    const_cast co_await co_return co_yield decltype delete dynamic_cast explicit export false friend mutable
    namespace new noexcept nullptr operator private protected public reinterpret_cast requires static_assert
    static_cast template this thread_local throw true try typeid typename using virtual wchar_t
    and and_eq bitand bitor compl not not_eq or or_eq xor xor_eq
    typeof typeof_unqual _BitInt _Decimal32 _Decimal64 _Decimal128
""".split())
# Names the array may not take though they are no keywords, and why
RESERVED_NAMES = {"main": "is the program's entry point (C++ refuses a global variable named main)",
                  ALIGN_MACRO: "is a macro the header defines"}
# The C standard library's functions, objects and macros (C11 7.1.3 reserves those with external linkage; a macro
# of a header the firmware includes anyway rewrites the array's name): time.tflite must not give `time[]`
C_LIBRARY_NAMES = frozenset("""
    abort abs acos asin atan atan2 atexit atof atoi atol atoll bsearch calloc ceil clearerr clock cos cosh ctime
    difftime div errno exit exp fabs fclose feof ferror fflush fgetc fgetpos fgets floor fmod fopen fprintf fputc
    fputs fread free freopen frexp fscanf fseek fsetpos ftell fwrite getc getchar getenv gets gmtime isalnum
    isalpha isblank iscntrl isdigit isgraph islower isprint ispunct isspace isupper isxdigit labs ldexp ldiv
    localtime log log10 log2 longjmp malloc memchr memcmp memcpy memmove memset mktime modf perror pow printf putc
    putchar puts qsort raise rand realloc remove rename rewind round scanf setbuf setjmp setlocale setvbuf signal
    sin sinh snprintf sprintf sqrt srand sscanf stderr stdin stdout strcat strchr strcmp strcoll strcpy strcspn
    strerror strftime strlen strncat strncmp strncpy strpbrk strrchr strspn strstr strtod strtof strtok strtol
    strtold strtoll strtoul strtoull strxfrm system tan tanh time tmpfile tmpnam tolower toupper ungetc vfprintf
    vprintf vsnprintf vsprintf
    assert NULL EOF BUFSIZ FILENAME_MAX EXIT_SUCCESS EXIT_FAILURE RAND_MAX SEEK_SET SEEK_CUR SEEK_END CHAR_BIT
    INT_MAX INT_MIN UINT_MAX LONG_MAX LONG_MIN SIZE_MAX INFINITY NAN HUGE_VAL EDOM ERANGE EILSEQ SIGINT SIGTERM
    SIGABRT SIGFPE SIGILL SIGSEGV CLOCKS_PER_SEC offsetof bool true false
""".split())


def identifier_problem(name: str) -> str | None:
    """Why ``name`` cannot name the model's array (a phrase to follow the name), or None when it can.

    Why more than the grammar: C reserves every file-scope name that starts with "_", and C++ every name that
    holds "__" anywhere (the array's ``NAME_len`` too, so a trailing "_" is out as well); declaring one is
    undefined behaviour that a compiler or a library header is free to break.
    """
    if not name:
        return "is empty"
    if C_IDENTIFIER.search(name):
        return "holds characters other than the letters A-Z and a-z, digits and _"
    if name[0].isdigit():
        return "starts with a digit"
    if name in C_KEYWORDS:
        return "is a C or C++ keyword"
    if name in RESERVED_NAMES:
        return RESERVED_NAMES[name]
    if name in C_LIBRARY_NAMES:
        return "is a name of the C standard library, which the firmware links or includes"
    if name.startswith("_"):
        return "starts with _, which C and C++ reserve for the compiler and its library"
    if "__" in name:
        return "holds __, which C++ reserves for the compiler and its library"
    if name.endswith("_"):
        return "ends with _, so its NAME_len would hold __, which C++ reserves for the compiler and its library"
    return None


def array_name_refusal(name: str) -> str | None:
    """Why ``name`` is refused as the array's name, with a name that works (``'g-model' holds characters …: it cannot
    name a C or C++ array (try 'g_model')``), or None when it is taken as it is.

    Why one sentence for ``kws export-c --name`` and the window's Export for firmware dialog: the two take the same
    names, so they refuse them in the same words, and a user who met one recognises the other.
    """
    problem = identifier_problem(name)
    if problem is None:
        return None
    return f"{name!r} {problem}: it cannot name a C or C++ array (try {c_identifier(name)!r})"


def c_identifier(text: str) -> str:
    """A valid C and C++ identifier, not reserved in either, from a file name or user text (the name itself
    when :func:`identifier_problem` finds nothing wrong with it).

    Accented letters lose their accents (``été`` gives ``ete``, not ``model_t``), other characters become "_", a run
    of "_" becomes one, and a name that would start with a digit or "_", or be a keyword or reserved, gets a
    ``model_`` prefix: ``__x`` gives ``model_x``, ``日本語`` gives ``model``.
    """
    unaccented = "".join(c for c in unicodedata.normalize("NFKD", text.strip()) if not unicodedata.combining(c))
    ident = UNDERSCORE_RUN.sub("_", C_IDENTIFIER.sub("_", unaccented)).rstrip("_")
    bare = ident.lstrip("_")
    if not bare:
        return SAFE_PREFIX
    if bare != ident or bare[0].isdigit() or bare in C_KEYWORDS or bare in RESERVED_NAMES or bare in C_LIBRARY_NAMES:
        return f"{SAFE_PREFIX}_{bare}"
    return bare


def macro_spelling(name: str) -> str:
    """NAME in the header's macros (its include guard and ``KWS_<NAME>_IMPLEMENTATION``) for the array ``name``:
    in capitals when the name has none (``g_model`` gives ``G_MODEL``), as spelt when it mixes cases
    (``myModel``), in lower case when it is all capitals (``YES`` gives ``yes``).

    Why not always in capitals: ``Yes``, ``YES`` and ``yes`` are three arrays but shared one guard and one macro,
    so a firmware including two of their headers silently lost the second. Why this spelling and not the name as
    spelt everywhere, or a hash suffix: the usual lower-case C name keeps the capitals macros are written in, and
    the macro firmware built on earlier headers already defines; a mixed-case name keeps its own spelling, which
    a firmware engineer reads (and greps) as the array's; only an all-capitals name, whose capitals are its
    lower-case twin's, is written in lower case. The three kinds hold capitals only, both cases, lower case only
    (a name starts with a letter), and each spelling is one-to-one: no two names share a guard or a macro.
    """
    if not any(char.isupper() for char in name):
        return name.upper()
    if not any(char.islower() for char in name):
        return name.lower()
    return name


def content_tag(data: bytes) -> str:
    """A short tag of the model's bytes for the header's guards (upper-case hex).

    Why: two models whose arrays get one name (``été.tflite`` and ``ete.tflite`` both give ``ete``, as
    ``a-b`` and ``a_b`` give ``a_b``) shared their guards, so a file including both headers silently kept the
    first model's array; with the model's tag in the guards it fails to compile ("redefinition of 'ete'")
    instead. One header included twice keeps one tag: its guards still work."""
    return hashlib.sha256(data).hexdigest()[:CONTENT_TAG_CHARS].upper()


def include_guard(name: str, data: bytes) -> str:
    """The header's include guard: ``KWS_<NAME>_<TAG>_H_`` (NAME as :func:`macro_spelling` spells it, TAG the
    model's :func:`content_tag`)."""
    return f"KWS_{macro_spelling(name)}_{content_tag(data)}_H_"


def implementation_macro(name: str) -> str:
    """The macro one file defines before the include to hold the array: ``KWS_<NAME>_IMPLEMENTATION`` (NAME as
    :func:`macro_spelling` spells it)."""
    return f"KWS_{macro_spelling(name)}_IMPLEMENTATION"


def definition_guard(name: str, data: bytes) -> str:
    """The guard that defines the array once per file however often the implementing file includes the header
    (the model's :func:`content_tag` in it, as in the include guard)."""
    return f"KWS_{macro_spelling(name)}_{content_tag(data)}_DEFINED_"


def plain_value(value: Any) -> str:
    """A parameter as plain text: lists comma-separated, true/false, float32 values at float32 precision."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        single = np.float32(value)
        return repr(float(str(single))) if float(single) == value else repr(value)
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(plain_value(v) for v in value)
    if isinstance(value, bytes):
        shown = value[:BYTES_SHOWN_OF_BINARY].hex()
        return f"{len(value)} bytes: {shown}{'...' if len(value) > BYTES_SHOWN_OF_BINARY else ''}"
    return str(value)


def comment_safe(text: str) -> str:
    """``text`` inside a ``/* */`` comment: no "*/" to end it early, no "/*" that -Wcomment (and so a firmware
    built with -Werror) refuses, no line break."""
    return str(text).replace("*/", "* /").replace("/*", "/ *").replace("\r", " ").replace("\n", " ")


def comment_block(text: str) -> list[str]:
    """``text`` as a ``/* ... */`` comment of lines at most :data:`COMMENT_WIDTH` wide (made :func:`comment_safe`;
    words are never split, so a command or a name stays whole)."""
    wrapped = textwrap.wrap(comment_safe(text), COMMENT_WIDTH, initial_indent="/* ", subsequent_indent=" * ",
                            break_long_words=False, break_on_hyphens=False)
    return [*wrapped[:-1], wrapped[-1] + " */"] if wrapped else ["/* */"]


def _leading_comment(size: int, name: str, params: dict[str, Any], source: str, header_name: str,
                     with_integration: bool) -> list[str]:
    macro = implementation_macro(name)
    lines = [f"/* {comment_safe(source)}: TensorFlow Lite model as a C array ({size} bytes).",
             " * Generated by `kws export-c`; do not edit.",
             " *",
             " * Include this header from every file that needs the model; it declares",
             f" *     extern const unsigned char {name}[];  ({ALIGNMENT_BYTES}-byte aligned for TFLite Micro)",
             f" *     extern const unsigned int {name}_len;",
             f" * In exactly one .c or .cpp file, define {macro} before the include:",
             f" *     #define {macro}",
             f" *     #include \"{comment_safe(header_name)}\"",
             " * That file holds the array, so the model is in flash once."]
    if with_integration:
        arena = f"{macro_spelling(name)}_TENSOR_ARENA_SIZE"
        lines += [" *", f" * Below the declarations: the arena size {arena}, the labels {name}_labels,",
                  " * the detection and frontend parameters, the tensors, and the TFLite Micro operators to register."]
    if params:
        lines += [" *", " * Model parameters (SL_PARAMSv1 metadata):"]
        lines += [f" *   {comment_safe(k)}: {comment_safe(plain_value(v))}" for k, v in params.items()]
    else:
        lines += [" *", " * Model parameters: none found (no SL_PARAMSv1 metadata read)."]
    return [*lines, " */"]


def c_header(data: bytes, name: str, params: dict[str, Any], source: str, header_name: str = "model.h",
             integration: Sequence[str] = ()) -> str:
    """The header text (module docstring): declarations under an include guard, then the aligned array and its
    length where ``KWS_<NAME>_IMPLEMENTATION`` is defined. ``header_name`` is what the usage note includes;
    ``integration`` the lines after the declarations, inside the guard (:mod:`workbench.core.model.c_integration`:
    macros and static arrays, which every including file may see)."""
    guard, macro, defined = include_guard(name, data), implementation_macro(name), definition_guard(name, data)
    lines = _leading_comment(len(data), name, params, source, header_name, bool(integration))
    lines += [f"#ifndef {guard}", f"#define {guard}", "",
              "#ifdef __cplusplus", 'extern "C" {', "#endif", "",
              f"extern const unsigned char {name}[];", f"extern const unsigned int {name}_len;", "",
              "#ifdef __cplusplus", "}", "#endif", "", *integration, f"#endif  /* {guard} */", "",
              f"#if defined({macro}) && !defined({defined})", f"#define {defined}", "",
              f"#ifndef {ALIGN_MACRO}",
              "#if defined(__cplusplus) && __cplusplus >= 201103L",
              f"#define {ALIGN_MACRO} alignas({ALIGNMENT_BYTES})",
              "#elif defined(__GNUC__) || defined(__clang__)",
              f"#define {ALIGN_MACRO} __attribute__((aligned({ALIGNMENT_BYTES})))",
              "#elif defined(_MSC_VER)",
              f"#define {ALIGN_MACRO} __declspec(align({ALIGNMENT_BYTES}))",
              "#else",
              f"#define {ALIGN_MACRO}",
              "#endif",
              "#endif", "",
              "#ifdef __cplusplus", 'extern "C" {', "#endif", "",
              f"{ALIGN_MACRO} const unsigned char {name}[] = {{"]
    for start in range(0, len(data), BYTES_PER_LINE):
        chunk = data[start:start + BYTES_PER_LINE]
        lines.append("  " + ", ".join(f"0x{b:02x}" for b in chunk) + ",")
    lines += ["};", f"const unsigned int {name}_len = {len(data)}u;", "",
              "#ifdef __cplusplus", "}", "#endif", "", f"#endif  /* {macro} */", ""]
    return "\n".join(lines)
