# SYNTAX TEST "source.python" "what must stay a plain comment or a string"

# not a directive
# <- comment.line.number-sign.python punctuation.definition.comment.python
# ^^^^^^^^^^^^^^^ comment.line.number-sign.python - meta.directive.nbpromote.python keyword.other.directive.nbpromote.python

# step: load
# ^^^^^^^^^^ comment.line.number-sign.python - meta.directive.nbpromote.python keyword.other.directive.nbpromote.python

#|
# <-- comment.line.number-sign.python - meta.directive.nbpromote.python

#| this is a sentence, not an option
# <-- comment.line.number-sign.python - meta.directive.nbpromote.python
#  ^^^^ comment.line.number-sign.python - meta.directive.nbpromote.python entity.name.tag.directive.nbpromote.python

#| a | b |
#  ^ comment.line.number-sign.python - meta.directive.nbpromote.python

#| -- divider
#  ^^ comment.line.number-sign.python - meta.directive.nbpromote.python

#| stepper: x
#  ^^^^^^^ - keyword.other.directive.nbpromote.python

x = 1  #| step: load
#      ^^ comment.line.number-sign.python - meta.directive.nbpromote.python punctuation.definition.directive.nbpromote.python
#         ^^^^ comment.line.number-sign.python - keyword.other.directive.nbpromote.python

s = "#| step: load"
#    ^^ string.quoted.single.python - meta.directive.nbpromote.python punctuation.definition.directive.nbpromote.python

DOC = """
#| step: inside_a_string
# <-- string.quoted.multi.python - meta.directive.nbpromote.python punctuation.definition.directive.nbpromote.python
#  ^^^^ string.quoted.multi.python - keyword.other.directive.nbpromote.python
#        ^^^^^^^^^^^^^^^ string.quoted.multi.python - entity.name.function.step.nbpromote.python
# %% [markdown] tags=["step:load"]
# <-- string.quoted.multi.python - meta.cell-marker.nbpromote.python
#                      ^^^^ string.quoted.multi.python - keyword.other.directive.nbpromote.python
"""

# %%% not a cell marker
# ^^^ comment.line.number-sign.python - meta.cell-marker.nbpromote.python

# a comment that mentions # %% later
#                         ^^^^ comment.line.number-sign.python - meta.cell-marker.nbpromote.python

# a markdown table in a comment
# | name | value |
# ^^^^^^ comment.line.number-sign.python - meta.directive.nbpromote.python
# |------|-------|
# ^^^^ comment.line.number-sign.python - meta.directive.nbpromote.python
