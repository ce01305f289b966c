/// The OpenAPI 3 document of every route, served at `/openapi.json`. The tests call every
/// operation it lists and check the answers against it.
enum OpenAPIDocument {
    static let json = #"""
{
 "openapi": "3.0.3",
 "info": {
  "title": "Conveyor API",
  "version": "1.0.0",
  "description": "Durable background jobs over HTTP. Every /api/v1 route needs 'Authorization: Bearer KEY' with a key whose scope (read < write < admin) covers it; the scope each operation needs is in its x-scope. Errors are {\"error\": {\"code\", \"message\", \"field\"}}. No string may contain U+0000 (NUL), which PostgreSQL cannot store: such a value is refused with 400."
 },
 "servers": [
  {
   "url": "http://127.0.0.1:8080"
  }
 ],
 "components": {
  "responses": {
   "Unauthorized": {
    "description": "No key, or an unknown key.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "Forbidden": {
    "description": "The key's scope is too small.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "BadRequest": {
    "description": "A malformed request: the error's field names the parameter or body field at fault.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   }
  },
  "parameters": {
   "state": {
    "name": "state",
    "in": "query",
    "required": false,
    "description": "Job states, repeated or comma-separated.",
    "schema": {
     "type": "string",
     "pattern": "^(scheduled|available|executing|retryable|completed|discarded|cancelled)(,(scheduled|available|executing|retryable|completed|discarded|cancelled))*$"
    }
   },
   "queue": {
    "name": "queue",
    "in": "query",
    "required": false,
    "description": "Queues, repeated or comma-separated.",
    "schema": {
     "type": "string",
     "pattern": "^[A-Za-z0-9._:-]{1,100}(,[A-Za-z0-9._:-]{1,100})*$"
    }
   },
   "kind": {
    "name": "kind",
    "in": "query",
    "required": false,
    "description": "Kinds, repeated or comma-separated.",
    "schema": {
     "type": "string",
     "pattern": "^[A-Za-z0-9._:-]{1,100}(,[A-Za-z0-9._:-]{1,100})*$"
    }
   },
   "tag": {
    "name": "tag",
    "in": "query",
    "required": false,
    "description": "A tag the jobs carry.",
    "schema": {
     "type": "string",
     "minLength": 1,
     "maxLength": 100
    }
   }
  },
  "securitySchemes": {
   "bearer": {
    "type": "http",
    "scheme": "bearer",
    "description": "An API key given to the server with --api-key KEY:SCOPE."
   }
  },
  "schemas": {
   "Error": {
    "type": "object",
    "required": [
     "error"
    ],
    "properties": {
     "error": {
      "type": "object",
      "required": [
       "code",
       "message"
      ],
      "properties": {
       "code": {
        "type": "string",
        "enum": [
         "invalid_input",
         "not_found",
         "unknown_kind",
         "conflict",
         "storage",
         "migration",
         "unauthorized",
         "forbidden",
         "not_ready",
         "bad_request",
         "internal",
         "invalid_arguments",
         "too_large",
         "method_not_allowed"
        ]
       },
       "message": {
        "type": "string"
       },
       "field": {
        "type": "string",
        "nullable": true,
        "description": "The input field at fault (dotted, snake_case), when one is."
       }
      }
     }
    }
   },
   "JobState": {
    "type": "string",
    "enum": [
     "scheduled",
     "available",
     "executing",
     "retryable",
     "completed",
     "discarded",
     "cancelled"
    ]
   },
   "JobError": {
    "type": "object",
    "required": [
     "attempt",
     "at",
     "message"
    ],
    "properties": {
     "attempt": {
      "type": "integer"
     },
     "at": {
      "type": "string",
      "format": "date-time"
     },
     "message": {
      "type": "string"
     }
    }
   },
   "Job": {
    "type": "object",
    "required": [
     "id",
     "kind",
     "queue",
     "state",
     "priority",
     "args",
     "meta",
     "tags",
     "attempt",
     "max_attempts",
     "errors",
     "inserted_at",
     "scheduled_at"
    ],
    "properties": {
     "id": {
      "type": "integer",
      "format": "int64"
     },
     "kind": {
      "type": "string"
     },
     "queue": {
      "type": "string"
     },
     "state": {
      "$ref": "#/components/schemas/JobState"
     },
     "priority": {
      "type": "integer",
      "minimum": 0,
      "maximum": 9
     },
     "args": {
      "type": "object"
     },
     "meta": {
      "type": "object",
      "description": "Progress, progress_message, result, and what the enqueue put there."
     },
     "tags": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "attempt": {
      "type": "integer"
     },
     "max_attempts": {
      "type": "integer"
     },
     "errors": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/JobError"
      }
     },
     "inserted_at": {
      "type": "string",
      "format": "date-time"
     },
     "scheduled_at": {
      "type": "string",
      "format": "date-time"
     },
     "attempted_at": {
      "type": "string",
      "format": "date-time"
     },
     "finished_at": {
      "type": "string",
      "format": "date-time"
     },
     "attempted_by": {
      "type": "string"
     },
     "unique_key": {
      "type": "string"
     }
    }
   },
   "EnqueuedJob": {
    "allOf": [
     {
      "$ref": "#/components/schemas/Job"
     },
     {
      "type": "object",
      "required": [
       "duplicate"
      ],
      "properties": {
       "duplicate": {
        "type": "boolean",
        "description": "True when a unique job already held the key; the job is that one."
       }
      }
     }
    ]
   },
   "JobPage": {
    "type": "object",
    "required": [
     "jobs"
    ],
    "properties": {
     "jobs": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Job"
      }
     },
     "next_before_id": {
      "type": "integer",
      "format": "int64",
      "nullable": true,
      "description": "Pass as before_id for the next page; null on the last."
     }
    }
   },
   "EnqueueRequest": {
    "type": "object",
    "required": [
     "kind"
    ],
    "properties": {
     "kind": {
      "type": "string",
      "pattern": "^[A-Za-z0-9._:-]{1,100}$",
      "description": "Letters, digits and . _ - :, 1 to 100 characters."
     },
     "args": {
      "type": "object"
     },
     "queue": {
      "type": "string",
      "pattern": "^[A-Za-z0-9._:-]{1,100}$",
      "description": "Letters, digits and . _ - :, 1 to 100 characters."
     },
     "priority": {
      "type": "integer",
      "minimum": 0,
      "maximum": 9
     },
     "max_attempts": {
      "type": "integer",
      "minimum": 1,
      "maximum": 1000
     },
     "scheduled_at": {
      "type": "string",
      "format": "date-time",
      "pattern": "^(19[7-9][0-9]|[2-9][0-9]{3})-",
      "description": "RFC 3339, from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z."
     },
     "delay_seconds": {
      "type": "number",
      "minimum": 0,
      "maximum": 315360000
     },
     "tags": {
      "type": "array",
      "items": {
       "type": "string",
       "minLength": 1,
       "maxLength": 100
      }
     },
     "meta": {
      "type": "object"
     },
     "unique": {
      "type": "object",
      "description": "A duplicate insert returns the existing job with duplicate: true.",
      "properties": {
       "by": {
        "type": "string",
        "enum": [
         "args",
         "kind",
         "keys"
        ]
       },
       "keys": {
        "type": "array",
        "minItems": 1,
        "items": {
         "type": "string"
        }
       },
       "period_seconds": {
        "type": "number",
        "minimum": 0.001,
        "maximum": 315360000
       },
       "states": {
        "type": "array",
        "items": {
         "$ref": "#/components/schemas/JobState"
        },
        "minItems": 1
       }
      },
      "anyOf": [
       {
        "properties": {
         "by": {
          "type": "string",
          "enum": [
           "args",
           "kind"
          ]
         }
        }
       },
       {
        "required": [
         "by",
         "keys"
        ],
        "properties": {
         "by": {
          "type": "string",
          "enum": [
           "keys"
          ]
         }
        }
       }
      ]
     }
    },
    "not": {
     "required": [
      "scheduled_at",
      "delay_seconds"
     ]
    },
    "description": "Give at most one of scheduled_at and delay_seconds."
   },
   "QueueLimits": {
    "type": "object",
    "properties": {
     "concurrency": {
      "type": "integer",
      "minimum": 1,
      "nullable": true
     },
     "rate": {
      "type": "object",
      "nullable": true,
      "required": [
       "count",
       "period_seconds"
      ],
      "properties": {
       "count": {
        "type": "integer"
       },
       "period_seconds": {
        "type": "number"
       }
      }
     }
    }
   },
   "Queue": {
    "type": "object",
    "required": [
     "name",
     "counts",
     "paused",
     "limits"
    ],
    "properties": {
     "name": {
      "type": "string"
     },
     "counts": {
      "type": "object",
      "additionalProperties": {
       "type": "integer"
      }
     },
     "paused": {
      "type": "boolean"
     },
     "limits": {
      "$ref": "#/components/schemas/QueueLimits"
     }
    }
   },
   "QueueList": {
    "type": "object",
    "required": [
     "queues"
    ],
    "properties": {
     "queues": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Queue"
      }
     }
    }
   },
   "LimitsRequest": {
    "type": "object",
    "description": "A field left out or null removes that limit.",
    "properties": {
     "concurrency": {
      "type": "integer",
      "minimum": 1,
      "maximum": 100000,
      "nullable": true
     },
     "rate": {
      "type": "object",
      "nullable": true,
      "required": [
       "count",
       "period_seconds"
      ],
      "properties": {
       "count": {
        "type": "integer",
        "minimum": 1,
        "maximum": 1000000
       },
       "period_seconds": {
        "type": "number",
        "minimum": 0.001,
        "maximum": 86400
       }
      }
     }
    }
   },
   "Node": {
    "type": "object",
    "required": [
     "name",
     "queues",
     "kinds",
     "started_at",
     "heartbeat_at",
     "running"
    ],
    "properties": {
     "name": {
      "type": "string"
     },
     "queues": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "kinds": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "started_at": {
      "type": "string",
      "format": "date-time"
     },
     "heartbeat_at": {
      "type": "string",
      "format": "date-time"
     },
     "running": {
      "type": "integer"
     }
    }
   },
   "NodeList": {
    "type": "object",
    "required": [
     "nodes"
    ],
    "properties": {
     "nodes": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Node"
      }
     }
    }
   },
   "Recurrence": {
    "oneOf": [
     {
      "type": "object",
      "required": [
       "type"
      ],
      "properties": {
       "type": {
        "type": "string",
        "enum": [
         "manual"
        ]
       }
      }
     },
     {
      "type": "object",
      "required": [
       "type"
      ],
      "properties": {
       "type": {
        "type": "string",
        "enum": [
         "hourly"
        ]
       },
       "minute": {
        "$ref": "#/components/schemas/Minute"
       }
      }
     },
     {
      "type": "object",
      "required": [
       "type",
       "hour"
      ],
      "properties": {
       "type": {
        "type": "string",
        "enum": [
         "daily"
        ]
       },
       "hour": {
        "$ref": "#/components/schemas/Hour"
       },
       "minute": {
        "$ref": "#/components/schemas/Minute"
       }
      }
     },
     {
      "type": "object",
      "required": [
       "type",
       "weekday",
       "hour"
      ],
      "properties": {
       "type": {
        "type": "string",
        "enum": [
         "weekly"
        ]
       },
       "weekday": {
        "type": "integer",
        "minimum": 0,
        "maximum": 6,
        "description": "0 = Sunday."
       },
       "hour": {
        "$ref": "#/components/schemas/Hour"
       },
       "minute": {
        "$ref": "#/components/schemas/Minute"
       }
      }
     },
     {
      "type": "object",
      "required": [
       "type",
       "day",
       "hour"
      ],
      "properties": {
       "type": {
        "type": "string",
        "enum": [
         "monthly"
        ]
       },
       "day": {
        "type": "integer",
        "minimum": 1,
        "maximum": 31
       },
       "hour": {
        "$ref": "#/components/schemas/Hour"
       },
       "minute": {
        "$ref": "#/components/schemas/Minute"
       }
      }
     },
     {
      "type": "object",
      "required": [
       "type",
       "expression"
      ],
      "properties": {
       "type": {
        "type": "string",
        "enum": [
         "cron"
        ]
       },
       "expression": {
        "type": "string",
        "minLength": 1,
        "description": "Five fields, or @hourly, @daily, @weekly, @monthly, @yearly; an expression that never fires is refused."
       }
      }
     },
     {
      "type": "object",
      "required": [
       "type",
       "seconds"
      ],
      "properties": {
       "type": {
        "type": "string",
        "enum": [
         "every"
        ]
       },
       "seconds": {
        "type": "number",
        "minimum": 1,
        "maximum": 315360000
       }
      }
     }
    ]
   },
   "ScheduleRequest": {
    "type": "object",
    "required": [
     "name",
     "kind",
     "recurrence"
    ],
    "properties": {
     "name": {
      "type": "string",
      "pattern": "^[A-Za-z0-9._:-]{1,100}$",
      "description": "Letters, digits and . _ - :, 1 to 100 characters."
     },
     "kind": {
      "type": "string",
      "pattern": "^[A-Za-z0-9._:-]{1,100}$",
      "description": "Letters, digits and . _ - :, 1 to 100 characters."
     },
     "args": {
      "type": "object"
     },
     "recurrence": {
      "$ref": "#/components/schemas/Recurrence"
     },
     "time_zone": {
      "type": "string",
      "default": "UTC",
      "description": "An IANA time zone name, as in America/New_York."
     },
     "queue": {
      "type": "string",
      "pattern": "^[A-Za-z0-9._:-]{1,100}$",
      "description": "Letters, digits and . _ - :, 1 to 100 characters."
     },
     "priority": {
      "type": "integer",
      "minimum": 0,
      "maximum": 9
     },
     "max_attempts": {
      "type": "integer",
      "minimum": 1,
      "maximum": 1000
     },
     "description": {
      "type": "string",
      "maxLength": 1000
     },
     "overlap": {
      "type": "string",
      "enum": [
       "allow",
       "skip"
      ]
     },
     "misfire_grace_seconds": {
      "type": "number",
      "minimum": 0,
      "maximum": 315360000,
      "default": 60
     },
     "max_consecutive_failures": {
      "type": "integer",
      "minimum": 1,
      "maximum": 1000000,
      "nullable": true,
      "default": 5,
      "description": "Failed runs in a row before the schedule deactivates itself; null never does."
     },
     "active": {
      "type": "boolean",
      "description": "On create only: store it inactive."
     }
    }
   },
   "Schedule": {
    "allOf": [
     {
      "$ref": "#/components/schemas/ScheduleRequest"
     },
     {
      "type": "object",
      "required": [
       "active",
       "consecutive_failures",
       "skipped_runs",
       "created_at",
       "updated_at"
      ],
      "properties": {
       "cron": {
        "type": "string"
       },
       "disabled_reason": {
        "type": "string",
        "nullable": true
       },
       "next_run_at": {
        "type": "string",
        "format": "date-time",
        "nullable": true
       },
       "last_run_at": {
        "type": "string",
        "format": "date-time",
        "nullable": true
       },
       "last_status": {
        "type": "string",
        "nullable": true,
        "enum": [
         "enqueued",
         "completed",
         "failed",
         "cancelled",
         "skipped",
         "missed",
         null
        ]
       },
       "last_job_id": {
        "type": "integer",
        "nullable": true
       },
       "consecutive_failures": {
        "type": "integer"
       },
       "last_error": {
        "type": "string",
        "nullable": true
       },
       "last_error_at": {
        "type": "string",
        "format": "date-time",
        "nullable": true
       },
       "skipped_runs": {
        "type": "integer"
       },
       "created_at": {
        "type": "string",
        "format": "date-time"
       },
       "updated_at": {
        "type": "string",
        "format": "date-time"
       }
      }
     }
    ]
   },
   "ScheduleList": {
    "type": "object",
    "required": [
     "schedules"
    ],
    "properties": {
     "schedules": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Schedule"
      }
     }
    }
   },
   "QueueActivity": {
    "type": "object",
    "required": [
     "queue",
     "minutes"
    ],
    "properties": {
     "queue": {
      "type": "string"
     },
     "minutes": {
      "type": "array",
      "description": "Every minute of the window, oldest first.",
      "items": {
       "type": "object",
       "required": [
        "start",
        "completed",
        "failed"
       ],
       "properties": {
        "start": {
         "type": "string",
         "format": "date-time"
        },
        "completed": {
         "type": "integer"
        },
        "failed": {
         "type": "integer",
         "description": "Discarded jobs."
        }
       }
      }
     },
     "latency": {
      "type": "object",
      "nullable": true,
      "description": "How long the jobs that finished in the window waited to start: the newest 10,000 of them.",
      "required": [
       "p50_seconds",
       "p95_seconds",
       "max_seconds",
       "samples"
      ],
      "properties": {
       "p50_seconds": {
        "type": "number"
       },
       "p95_seconds": {
        "type": "number"
       },
       "max_seconds": {
        "type": "number"
       },
       "samples": {
        "type": "integer"
       }
      }
     }
    }
   },
   "BulkResult": {
    "type": "object",
    "required": [
     "count",
     "ids"
    ],
    "properties": {
     "count": {
      "type": "integer"
     },
     "ids": {
      "type": "array",
      "items": {
       "type": "integer",
       "format": "int64"
      }
     }
    }
   },
   "SchedulerStatus": {
    "type": "object",
    "required": [
     "running",
     "nodes",
     "active_schedules",
     "overdue",
     "next_fires"
    ],
    "properties": {
     "running": {
      "type": "boolean",
      "description": "Some node is alive and no active schedule is more than a minute past its fire time."
     },
     "nodes": {
      "type": "integer"
     },
     "active_schedules": {
      "type": "integer"
     },
     "overdue": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "next_fires": {
      "type": "array",
      "items": {
       "type": "object",
       "required": [
        "schedule",
        "at"
       ],
       "properties": {
        "schedule": {
         "type": "string"
        },
        "at": {
         "type": "string",
         "format": "date-time"
        }
       }
      }
     }
    }
   },
   "Status": {
    "type": "object",
    "required": [
     "status"
    ],
    "properties": {
     "status": {
      "type": "string"
     }
    }
   },
   "Minute": {
    "type": "integer",
    "minimum": 0,
    "maximum": 59,
    "description": "0 when left out."
   },
   "Hour": {
    "type": "integer",
    "minimum": 0,
    "maximum": 23
   }
  }
 },
 "paths": {
  "/health": {
   "get": {
    "operationId": "health",
    "summary": "The process answers.",
    "security": [],
    "responses": {
     "200": {
      "description": "Alive.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Status"
        }
       }
      }
     }
    }
   }
  },
  "/ready": {
   "get": {
    "operationId": "ready",
    "summary": "The database answers.",
    "security": [],
    "responses": {
     "200": {
      "description": "Ready.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Status"
        }
       }
      }
     },
     "503": {
      "description": "The database does not answer.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/openapi.json": {
   "get": {
    "operationId": "openapi",
    "summary": "This document.",
    "security": [],
    "responses": {
     "200": {
      "description": "The OpenAPI document.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     }
    }
   }
  },
  "/metrics": {
   "get": {
    "operationId": "metrics",
    "summary": "Prometheus text format: conveyor_jobs_total, conveyor_job_run_seconds, conveyor_job_queue_latency_seconds, conveyor_queue_jobs.",
    "tags": [
     "metrics"
    ],
    "x-scope": "read",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "Metrics.",
      "content": {
       "text/plain": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    }
   }
  },
  "/api/v1/jobs": {
   "get": {
    "operationId": "listJobs",
    "summary": "Jobs, newest first, a page at a time.",
    "tags": [
     "jobs"
    ],
    "x-scope": "read",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "A page.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/JobPage"
        }
       }
      }
     },
     "400": {
      "description": "A bad filter.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    },
    "parameters": [
     {
      "$ref": "#/components/parameters/state"
     },
     {
      "$ref": "#/components/parameters/queue"
     },
     {
      "$ref": "#/components/parameters/kind"
     },
     {
      "$ref": "#/components/parameters/tag"
     },
     {
      "name": "inserted_after",
      "in": "query",
      "required": false,
      "description": "ISO 8601.",
      "schema": {
       "type": "string",
       "format": "date-time",
       "pattern": "^(19[7-9][0-9]|[2-9][0-9]{3})-",
       "description": "RFC 3339, from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z."
      }
     },
     {
      "name": "inserted_before",
      "in": "query",
      "required": false,
      "description": "ISO 8601.",
      "schema": {
       "type": "string",
       "format": "date-time",
       "pattern": "^(19[7-9][0-9]|[2-9][0-9]{3})-",
       "description": "RFC 3339, from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z."
      }
     },
     {
      "name": "before_id",
      "in": "query",
      "required": false,
      "description": "Only jobs with smaller ids (the cursor).",
      "schema": {
       "type": "integer",
       "format": "int64"
      }
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "description": "1 to 1000, default 100.",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 1000
      }
     }
    ]
   },
   "post": {
    "operationId": "enqueueJob",
    "summary": "Enqueue a job by kind.",
    "tags": [
     "jobs"
    ],
    "x-scope": "write",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "201": {
      "description": "Inserted.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/EnqueuedJob"
        }
       }
      }
     },
     "200": {
      "description": "A unique job already held the key.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/EnqueuedJob"
        }
       }
      }
     },
     "400": {
      "description": "A malformed body or a bad field.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "422": {
      "description": "No node runs that kind.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/EnqueueRequest"
       }
      }
     }
    }
   }
  },
  "/api/v1/jobs/retry": {
   "post": {
    "operationId": "retryJobs",
    "summary": "Retry every finished job the filter names (at least a state, queue, kind or tag; at most 10,000).",
    "tags": [
     "jobs"
    ],
    "x-scope": "write",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "What changed.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/BulkResult"
        }
       }
      }
     },
     "400": {
      "description": "No filter, or a bad one.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    },
    "parameters": [
     {
      "$ref": "#/components/parameters/state"
     },
     {
      "$ref": "#/components/parameters/queue"
     },
     {
      "$ref": "#/components/parameters/kind"
     },
     {
      "$ref": "#/components/parameters/tag"
     }
    ],
    "description": " Name at least one of state, queue, kind or tag: a change of every job is refused with 400 (field filter)."
   }
  },
  "/api/v1/jobs/cancel": {
   "post": {
    "operationId": "cancelJobs",
    "summary": "Cancel every unfinished job the filter names (at least a state, queue, kind or tag; at most 10,000).",
    "tags": [
     "jobs"
    ],
    "x-scope": "write",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "What changed.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/BulkResult"
        }
       }
      }
     },
     "400": {
      "description": "No filter, or a bad one.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    },
    "parameters": [
     {
      "$ref": "#/components/parameters/state"
     },
     {
      "$ref": "#/components/parameters/queue"
     },
     {
      "$ref": "#/components/parameters/kind"
     },
     {
      "$ref": "#/components/parameters/tag"
     },
     {
      "name": "reason",
      "in": "query",
      "required": false,
      "description": "Stored with each job.",
      "schema": {
       "type": "string"
      }
     }
    ],
    "description": " Name at least one of state, queue, kind or tag: a change of every job is refused with 400 (field filter)."
   }
  },
  "/api/v1/jobs/{id}": {
   "get": {
    "operationId": "getJob",
    "summary": "One job.",
    "tags": [
     "jobs"
    ],
    "x-scope": "read",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "The job.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Job"
        }
       }
      }
     },
     "400": {
      "description": "Not a job id.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "No such job.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Job id.",
      "schema": {
       "type": "integer",
       "format": "int64",
       "minimum": 1
      }
     }
    ]
   },
   "delete": {
    "operationId": "deleteJob",
    "summary": "Delete a job that is not executing.",
    "tags": [
     "jobs"
    ],
    "x-scope": "admin",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "The deleted job.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Job"
        }
       }
      }
     },
     "400": {
      "description": "Not a job id.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "No such job.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "It is executing.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Job id.",
      "schema": {
       "type": "integer",
       "format": "int64",
       "minimum": 1
      }
     }
    ]
   }
  },
  "/api/v1/jobs/{id}/retry": {
   "post": {
    "operationId": "retryJob",
    "summary": "Run a finished job again now.",
    "tags": [
     "jobs"
    ],
    "x-scope": "write",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "The job, available.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Job"
        }
       }
      }
     },
     "400": {
      "description": "Not a job id.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "No such job.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "It has not finished.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Job id.",
      "schema": {
       "type": "integer",
       "format": "int64",
       "minimum": 1
      }
     }
    ]
   }
  },
  "/api/v1/jobs/{id}/cancel": {
   "post": {
    "operationId": "cancelJob",
    "summary": "Cancel a job that has not finished (a running one is stopped).",
    "tags": [
     "jobs"
    ],
    "x-scope": "write",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "The job, cancelled.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Job"
        }
       }
      }
     },
     "400": {
      "description": "Not a job id.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "No such job.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "It has finished.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "description": "Job id.",
      "schema": {
       "type": "integer",
       "format": "int64",
       "minimum": 1
      }
     },
     {
      "name": "reason",
      "in": "query",
      "required": false,
      "description": "Stored with the job.",
      "schema": {
       "type": "string"
      }
     }
    ]
   }
  },
  "/api/v1/queues": {
   "get": {
    "operationId": "listQueues",
    "summary": "Queues with counts by state, paused flag and limits.",
    "tags": [
     "queues"
    ],
    "x-scope": "read",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "The queues.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/QueueList"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    }
   }
  },
  "/api/v1/queues/{name}/activity": {
   "get": {
    "operationId": "queueActivity",
    "summary": "Completed and failed jobs per minute, and how long jobs waited to start.",
    "tags": [
     "queues"
    ],
    "x-scope": "read",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "The activity.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/QueueActivity"
        }
       }
      }
     },
     "400": {
      "description": "A bad queue name or window.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    },
    "parameters": [
     {
      "name": "name",
      "in": "path",
      "required": true,
      "description": "Queue name.",
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9._:-]{1,100}$",
       "description": "Letters, digits and . _ - :, 1 to 100 characters."
      }
     },
     {
      "name": "minutes",
      "in": "query",
      "required": false,
      "description": "The window, 1 to 1440 minutes (default 30).",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 1440
      }
     }
    ]
   }
  },
  "/api/v1/queues/{name}/pause": {
   "post": {
    "operationId": "pauseQueue",
    "summary": "Stop every node starting the queue's jobs.",
    "tags": [
     "queues"
    ],
    "x-scope": "admin",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "The queue.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Queue"
        }
       }
      }
     },
     "400": {
      "description": "A bad queue name.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    },
    "parameters": [
     {
      "name": "name",
      "in": "path",
      "required": true,
      "description": "Queue name.",
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9._:-]{1,100}$",
       "description": "Letters, digits and . _ - :, 1 to 100 characters."
      }
     }
    ]
   }
  },
  "/api/v1/queues/{name}/resume": {
   "post": {
    "operationId": "resumeQueue",
    "summary": "Let nodes start the queue's jobs again.",
    "tags": [
     "queues"
    ],
    "x-scope": "admin",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "The queue.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Queue"
        }
       }
      }
     },
     "400": {
      "description": "A bad queue name.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    },
    "parameters": [
     {
      "name": "name",
      "in": "path",
      "required": true,
      "description": "Queue name.",
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9._:-]{1,100}$",
       "description": "Letters, digits and . _ - :, 1 to 100 characters."
      }
     }
    ]
   }
  },
  "/api/v1/queues/{name}/limits": {
   "put": {
    "operationId": "setQueueLimits",
    "summary": "Set the queue's limits across all nodes; a field left out removes that limit.",
    "tags": [
     "queues"
    ],
    "x-scope": "admin",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "The queue.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Queue"
        }
       }
      }
     },
     "400": {
      "description": "A bad limit or name.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    },
    "parameters": [
     {
      "name": "name",
      "in": "path",
      "required": true,
      "description": "Queue name.",
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9._:-]{1,100}$",
       "description": "Letters, digits and . _ - :, 1 to 100 characters."
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/LimitsRequest"
       }
      }
     }
    }
   }
  },
  "/api/v1/nodes": {
   "get": {
    "operationId": "listNodes",
    "summary": "Nodes that heartbeated recently.",
    "tags": [
     "nodes"
    ],
    "x-scope": "read",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "The nodes.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/NodeList"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    }
   }
  },
  "/api/v1/scheduler": {
   "get": {
    "operationId": "schedulerStatus",
    "summary": "Whether schedules are being fired, and the next fires.",
    "tags": [
     "schedules"
    ],
    "x-scope": "read",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "The status.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/SchedulerStatus"
        }
       }
      }
     },
     "400": {
      "description": "A bad count.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    },
    "parameters": [
     {
      "name": "count",
      "in": "query",
      "required": false,
      "description": "How many next fires, 1 to 100 (default 10).",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 100
      }
     }
    ]
   }
  },
  "/api/v1/schedules": {
   "get": {
    "operationId": "listSchedules",
    "summary": "Every schedule.",
    "tags": [
     "schedules"
    ],
    "x-scope": "read",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "The schedules.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ScheduleList"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    }
   },
   "post": {
    "operationId": "createSchedule",
    "summary": "Create a schedule.",
    "tags": [
     "schedules"
    ],
    "x-scope": "admin",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "201": {
      "description": "Created.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Schedule"
        }
       }
      }
     },
     "400": {
      "description": "A bad field.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "The name is taken.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "422": {
      "description": "No node runs that kind.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ScheduleRequest"
       }
      }
     }
    }
   }
  },
  "/api/v1/schedules/{name}": {
   "get": {
    "operationId": "getSchedule",
    "summary": "One schedule.",
    "tags": [
     "schedules"
    ],
    "x-scope": "read",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "The schedule.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Schedule"
        }
       }
      }
     },
     "404": {
      "description": "No such schedule.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     }
    },
    "parameters": [
     {
      "name": "name",
      "in": "path",
      "required": true,
      "description": "Schedule name.",
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9._:-]{1,100}$",
       "description": "Letters, digits and . _ - :, 1 to 100 characters."
      }
     }
    ]
   },
   "put": {
    "operationId": "replaceSchedule",
    "summary": "Replace a schedule's definition (the path names it); its history stays.",
    "tags": [
     "schedules"
    ],
    "x-scope": "admin",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "The schedule.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Schedule"
        }
       }
      }
     },
     "400": {
      "description": "A bad field.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "No such schedule.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "422": {
      "description": "No node runs that kind.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    },
    "parameters": [
     {
      "name": "name",
      "in": "path",
      "required": true,
      "description": "Schedule name.",
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9._:-]{1,100}$",
       "description": "Letters, digits and . _ - :, 1 to 100 characters."
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ScheduleRequest"
       }
      }
     }
    }
   },
   "delete": {
    "operationId": "deleteSchedule",
    "summary": "Delete a schedule; its jobs stay.",
    "tags": [
     "schedules"
    ],
    "x-scope": "admin",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "204": {
      "description": "Deleted."
     },
     "404": {
      "description": "No such schedule.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     }
    },
    "parameters": [
     {
      "name": "name",
      "in": "path",
      "required": true,
      "description": "Schedule name.",
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9._:-]{1,100}$",
       "description": "Letters, digits and . _ - :, 1 to 100 characters."
      }
     }
    ]
   }
  },
  "/api/v1/schedules/{name}/activate": {
   "post": {
    "operationId": "activateSchedule",
    "summary": "Fire again from the next time after now; failures start over.",
    "tags": [
     "schedules"
    ],
    "x-scope": "admin",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "The schedule.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Schedule"
        }
       }
      }
     },
     "404": {
      "description": "No such schedule.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     }
    },
    "parameters": [
     {
      "name": "name",
      "in": "path",
      "required": true,
      "description": "Schedule name.",
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9._:-]{1,100}$",
       "description": "Letters, digits and . _ - :, 1 to 100 characters."
      }
     }
    ]
   }
  },
  "/api/v1/schedules/{name}/deactivate": {
   "post": {
    "operationId": "deactivateSchedule",
    "summary": "Stop firing.",
    "tags": [
     "schedules"
    ],
    "x-scope": "admin",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "The schedule.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Schedule"
        }
       }
      }
     },
     "404": {
      "description": "No such schedule.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     }
    },
    "parameters": [
     {
      "name": "name",
      "in": "path",
      "required": true,
      "description": "Schedule name.",
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9._:-]{1,100}$",
       "description": "Letters, digits and . _ - :, 1 to 100 characters."
      }
     }
    ]
   }
  },
  "/api/v1/schedules/{name}/trigger": {
   "post": {
    "operationId": "triggerSchedule",
    "summary": "Insert the schedule's job now.",
    "tags": [
     "schedules"
    ],
    "x-scope": "write",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "201": {
      "description": "The job.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Job"
        }
       }
      }
     },
     "404": {
      "description": "No such schedule.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     }
    },
    "parameters": [
     {
      "name": "name",
      "in": "path",
      "required": true,
      "description": "Schedule name.",
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9._:-]{1,100}$",
       "description": "Letters, digits and . _ - :, 1 to 100 characters."
      }
     }
    ]
   }
  },
  "/api/v1/events": {
   "get": {
    "operationId": "streamEvents",
    "summary": "Job events as server-sent events (event: KIND, id: JOB_ID, data: JSON).",
    "tags": [
     "events"
    ],
    "x-scope": "read",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "An endless stream of server-sent events, after a first comment line (': conveyor events'). The schema is that of one event: its name is the job event's kind, its id the job's id, its data the event as JSON (job_id, kind, queue, attempt, at, progress, message, node).",
      "content": {
       "text/event-stream": {
        "schema": {
         "type": "object",
         "required": [
          "event",
          "id",
          "data"
         ],
         "properties": {
          "event": {
           "type": "string",
           "enum": [
            "inserted",
            "started",
            "progress",
            "completed",
            "retrying",
            "discarded",
            "cancelled",
            "snoozed",
            "released"
           ]
          },
          "id": {
           "type": "string",
           "pattern": "^[0-9]+$"
          },
          "data": {
           "type": "string"
          }
         }
        }
       }
      }
     },
     "400": {
      "description": "A bad job id.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    },
    "parameters": [
     {
      "name": "queue",
      "in": "query",
      "required": false,
      "description": "Only this queue's jobs.",
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9._:-]{1,100}$",
       "description": "Letters, digits and . _ - :, 1 to 100 characters."
      }
     },
     {
      "name": "job",
      "in": "query",
      "required": false,
      "description": "Only this job.",
      "schema": {
       "type": "integer",
       "format": "int64",
       "minimum": 1
      }
     }
    ]
   }
  }
 }
}
"""#
}
