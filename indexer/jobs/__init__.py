"""Jobs: slow work that clients submit and then poll or stream (answers, re-indexing, one
article's upsert or delete).

`records` holds the Job and its events; `kinds` the one table of job kinds (payload schema,
queue, task name, time limits, handler); `handlers` what each kind does over the services;
`job_service` submitting, following and cancelling, and the worker's side of a job's life;
`job_runner` what a worker does with a delivered job id; `progress` the Progress port into a
job. May import the other core packages and `indexer.ports`; never an adapter.
"""
