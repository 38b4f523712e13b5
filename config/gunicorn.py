"""Gunicorn's settings that matter for the access log: paths only, never query strings or referrers.

Used by the image and compose (``gunicorn -c config/gunicorn.py ...``). A URL's
query string or a referrer can carry what a user typed; the app posts its
people search (``subjects.searches``), and this format keeps whatever else
might arrive in a query string out of the logs too.
"""

accesslog = "-"
# %(U)s is the path without its query string; %(r)s (the request line), %(q)s and %(f)s are left out on purpose.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
