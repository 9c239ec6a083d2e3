"""The imports a fix needs, added as one text edit from the ast (fix/imports.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reliability_lint.fix import apply_edits, import_edits
from reliability_lint.source import SourceFile


def added(text: str, *specs: str) -> str:
    src = SourceFile(Path("m.py"), text)
    edits = import_edits(src, specs)
    assert len(edits) <= 2
    return apply_edits(src, edits)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # after the last import of the section, a blank line before the code that follows
        ("import os\nx = 1\n", "import os\nimport logging\n\nx = 1\n"),
        ("import os\n\nx = 1\n", "import os\nimport logging\n\nx = 1\n"),
        ("import os\n# why\nx = 1\n", "import os\nimport logging\n\n# why\nx = 1\n"),
        # no import: after the docstring (a __future__ import is an import), else before code
        ('"""Doc."""\nx = 1\n', '"""Doc."""\nimport logging\n\nx = 1\n'),
        ("from __future__ import annotations\nx = 1\n", "from __future__ import annotations\nimport logging\n\nx = 1\n"),
        ("#!/usr/bin/env python\n\n@dec\ndef f(): pass\n", "#!/usr/bin/env python\n\nimport logging\n\n@dec\ndef f(): pass\n"),
        # never inside a try or if block, nor after the first compound statement
        ("try:\n    import ujson\nexcept ImportError:\n    ujson = None\n", "import logging\n\ntry:\n    import ujson\nexcept ImportError:\n    ujson = None\n"),
        ("import os\n\ndef f(): pass\n\nimport sys\n", "import os\nimport logging\n\ndef f(): pass\n\nimport sys\n"),
        # code sharing the import's line is not split
        ("import os; x = (\n    1)\ny = 2\n", "import os; x = (\n    1)\nimport logging\n\ny = 2\n"),
        # the ends of the text
        ("import os", "import os\nimport logging"),
        ("import os\n", "import os\nimport logging\n"),
        ("", "import logging"),
        ("# only a comment\n", "# only a comment\nimport logging\n"),
        # the file's newlines
        ("import os\r\nx = 1\r\n", "import os\r\nimport logging\r\n\r\nx = 1\r\n"),
        # what is bound already is not added twice
        ("import logging\n", "import logging\n"),
        ("import logging.handlers\n", "import logging.handlers\n"),
        ("try:\n    import logging\nexcept ImportError:\n    pass\n", "try:\n    import logging\nexcept ImportError:\n    pass\n"),
        ("import logging as log\n", "import logging as log\nimport logging\n"),
        ("if TYPE_CHECKING:\n    import logging\n", "import logging\n\nif TYPE_CHECKING:\n    import logging\n"),
    ],
)
def test_where_an_import_goes(before: str, after: str) -> None:
    assert added(before, "logging") == after


def test_from_imports_merge_and_are_not_repeated() -> None:
    assert added("from pipeline import config\nimport os\n", "from pipeline import settings") == (
        "from pipeline import settings, config\nimport os\n"
    )
    assert added("from pipeline import settings\n", "from pipeline import settings") == "from pipeline import settings\n"
    assert added("from pipeline import *\n", "from pipeline import settings") == "from pipeline import *\n"
    assert added("from pipeline import settings as s\n", "from pipeline import settings") == (
        "from pipeline import settings, settings as s\n"
    )
    assert added("import os\n", "from a import y", "from a import x", "logging", "logging") == (
        "import os\nimport logging\nfrom a import x, y\n"
    )
