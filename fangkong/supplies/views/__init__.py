"""The supplies pages, by what they are about: stock (``stock``), requests and issues
(``issues``), the posts' phone pages and log (``posts``), donations (``donations``) and
imports (``imports``). Views parse with ``forms``, call one service or selector and render."""
