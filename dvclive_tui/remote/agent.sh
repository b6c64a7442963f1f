# The remote side of dvclive-tui: plain POSIX sh plus stat, dd, head, tail, find, sleep, date
# and (when there) readlink.
# It is sent on the standard input of a fixed `env LC_ALL=C sh -s`, defines functions,
# answers `@DLT 0 FLAVOUR DDBYTES` and `@END`, and then runs one request after another as they
# arrive on the same stream. It writes nothing on the remote host. The greeting carries the
# host's clock (`date +%s`): run statuses compare file times with it. The reply format is
# documented in dvclive_tui/remote/wire.py. Placeholders, each between two @: LIMIT (seconds
# a request may take), PRUNE (find operands that skip folders), SEEK (find operands that
# skip what discovery never looks at), MARK (find operands for the files that make a run),
# SEEKS (seconds a discovery listing may take), CAP (most lines a discovery listing sends).
set -f
export LC_ALL=C
NL='
'
TL=@LIMIT@
W=0
Q=
if t=$(stat -L -c '%.9Y' / 2>/dev/null </dev/null); then
  SO=-c
  case $t in
    *.*) FL=gnu SF='%f %s %.9Y %d %i' ;;
    *) FL=busybox SF='%f %s %Y %d %i %y' ;;
  esac
elif stat -L -f '%m' / >/dev/null 2>&1 </dev/null; then
  SO=-f FL=bsd SF='%Xp %z %m %d %i'
else
  SO=-c FL=none SF='%f %s %Y %d %i'
fi
DB=0
dd if=/dev/null of=/dev/null iflag=skip_bytes,count_bytes count=0 2>/dev/null </dev/null && DB=1
RL=0
readlink -f / >/dev/null 2>&1 </dev/null && RL=1
export SO SF RL

# Registry: r RID ROOT; a ID RID REL MODE BACK CAP UP; m ID MODE BACK CAP; k ID KEY;
# o ID OFFSET; x ID; q ID...  (MODE: t tail, w whole, h head, s stat; KEY: "-" or what S
# records carry; UP: how many leading ".." parts REL has: links must stay inside the folder
# they reach)
r() { eval "R$1=\$2"; }
a() {
  u=\$R$2 n=$7
  while [ "$n" -gt 0 ]; do u=$u/..; n=$((n - 1)); done
  eval "p$1=\$R$2/\$3 m$1=\$4 b$1=\$5 c$1=\$6 k$1=- o$1=0 h$1= a$1=$u"
}
m() { eval "m$1=\$2 b$1=\$3 c$1=\$4"; }
k() { eval "k$1=\$2"; }
o() { eval "o$1=\$2"; }
x() { eval "unset p$1 m$1 b$1 c$1 k$1 o$1 h$1 a$1"; }

# ins FILE ANCHOR: whether FILE's real path lies inside ANCHOR's (links kept inside).
ins() {
  [ "$RL" = 1 ] || return 0
  rf=$(readlink -f -- "$1" 2>/dev/null) && ra=$(readlink -f -- "$2" 2>/dev/null) || return 1
  case $rf in "$ra" | "$ra"/*) return 0 ;; esac
  [ "$ra" = / ]
}

# nrf FILE: why FILE (not a regular file) is not read.
nrf() {
  if [ -d "$1" ]; then t=directory
  elif [ -p "$1" ]; then t=FIFO
  elif [ -S "$1" ]; then t=socket
  elif [ -c "$1" ]; then t='character device'
  elif [ -b "$1" ]; then t='block device'
  else t=other; fi
  printf 'E %s not a regular file (%s)\n' "$i" "$t"
}
q() { Q=$*; }

# The server-side time limit: the whole session's process group ends past TL seconds.
wd() {
  [ "$W" = 0 ] || return 0
  (trap 'kill $s 2>/dev/null; exit 0' TERM; sleep "$TL" & s=$!; wait $s; kill -TERM 0) \
    >/dev/null 2>&1 </dev/null &
  W=$!
}
wds() { [ "$W" = 0 ] || kill "$W" 2>/dev/null; W=0; }

# nk LINE: a raw stat line -> K "KIND SIZE SEC.NSEC DEV INO", Z size, I "DEV INO".
nk() {
  set -- $1
  case $1 in 8???) K=f ;; 4???) K=d ;; *) K=o ;; esac
  case $FL in
    busybox) t=${7#*.}; K="$K $2 $3.$t $4 $5" ;;
    bsd) K="$K $2 $3.000000000 $4 $5" ;;
    *) K="$K $2 $3 $4 $5" ;;
  esac
  Z=$2 I="$4 $5"
}

# rd FILE START COUNT: exactly COUNT bytes from START, zero-padded if the file shrank.
rd() {
  [ "$3" -gt 0 ] || return 0
  {
    if [ "$DB" = 1 ]; then
      dd if="$1" iflag=skip_bytes,count_bytes skip="$2" count="$3" bs=65536
    else
      dd if="$1" bs=4096 skip=$(($2 / 4096)) | tail -c +$(($2 % 4096 + 1)) | head -c "$3"
    fi
    dd if=/dev/zero bs=4096 count=$((($3 + 4095) / 4096))
  } 2>/dev/null | head -c "$3"
}

# sts FILE...: S = one raw stat line per file, each ending in NL; "!" when one is missing.
sts() {
  S=
  [ $# -gt 0 ] || return 0
  S=$(stat -L "$SO" "$SF" -- "$@" 2>/dev/null)
  [ -n "$S" ] && S="$S$NL"
  t=$S n=0
  while [ -n "$t" ]; do t=${t#*"$NL"}; n=$((n + 1)); done
  [ "$n" = $# ] || S=!
}

# one ID LINE: answer for one file (LINE empty: missing).
one() {
  i=$1
  eval "f=\$p$i md=\$m$i bk=\$b$i cp=\$c$i pk=\$k$i po=\$o$i an=\$a$i"
  if [ -z "$2" ]; then
    [ "$pk" = - ] || { printf 'M %s\n' "$i"; eval "k$i=-"; }
    return 0
  fi
  nk "$2"
  if [ "$K" = "$pk" ]; then
    [ "$md" = t ] && [ "$Z" -gt "$po" ] || return 0
  else
    printf 'S %s %s\n' "$i" "$K"
    eval "k$i=\$K"
  fi
  if [ "$K" != "$pk" ]; then
    set -- $pk
    if [ "$pk" = - ] || [ "$4 $5" != "$I" ] || [ -h "$f" ]; then  # new, or a link: where to?
      if ! ins "$f" "$an"; then
        printf 'E %s link to outside the run: not followed\n' "$i"
        eval "k$i=-"
        return 0
      fi
    fi
  fi
  [ "$md" != s ] || return 0
  if [ ! -f "$f" ]; then
    [ "$K" = "$pk" ] || nrf "$f"
    return 0
  fi
  if [ ! -r "$f" ]; then
    [ "$K" = "$pk" ] || printf 'E %s permission denied\n' "$i"
    return 0
  fi
  wd
  if [ "$md" != t ]; then
    n=$Z mo=0
    if [ "$Z" -gt "$cp" ]; then
      if [ "$md" = w ]; then
        printf 'E %s too large\n' "$i"
        return 0
      fi
      n=$cp mo=1
    fi
    printf 'D %s 0 %s %s\n' "$i" "$n" "$mo"
    rd "$f" 0 "$n"
    RD="$RD $i" RP="$RP$i 0 $I $Z $pk$NL"
    return 0
  fi
  # Tail data always starts back bytes before the offset (clamped to the file): the reader
  # tells a new file, a shrink or a rewrite from the stat, the head and those bytes.
  s=$((po - bk))
  [ "$s" -ge 0 ] || s=0
  [ "$s" -le "$Z" ] || s=$Z
  e=$((po + cp)) mo=0
  if [ "$e" -lt "$Z" ]; then mo=1; else e=$Z; fi
  [ "$e" -ge "$s" ] || e=$s
  n=$((e - s))
  if [ "$s" -gt 0 ] && [ "$K" != "$pk" ]; then
    hf=$(dd if="$f" bs=256 count=1 2>/dev/null)
    eval "ph=\$h$i"
    if [ "$hf" != "$ph" ]; then
      hn=256
      [ "$Z" -ge 256 ] || hn=$Z
      printf 'H %s %s\n' "$i" "$hn"
      rd "$f" 0 "$hn"
      eval "h$i=\$hf"
    fi
  elif [ "$s" = 0 ]; then
    eval "h$i="
  fi
  printf 'D %s %s %s %s\n' "$i" "$s" "$n" "$mo"
  rd "$f" "$s" "$n"
  eval "o$i=$((s + n))"
  RD="$RD $i" RP="$RP$i $po $I $Z $pk$NL"
}

# chk: re-stat the files just read; X ID for each one replaced (or, for whole documents,
# changed) while it was read, whose bytes the client drops and asks again.
chk() {
  [ -n "$RD" ] || return 0
  set --
  for i in $RD; do eval "set -- \"\$@\" \"\$p$i\""; done
  sts "$@"
  for i in $RD; do
    e=${RP%%"$NL"*} RP=${RP#*"$NL"}
    if [ "$S" = ! ]; then l=; else l=${S%%"$NL"*} S=${S#*"$NL"}; fi
    eval "md=\$m$i ck=\$k$i"
    bad=1
    if [ -n "$l" ]; then
      nk "$l"
      if [ "$md" != t ]; then
        [ "$K" = "$ck" ] && bad=0
      else
        set -- $e
        [ "$I" = "$3 $4" ] && [ "$Z" -ge "$5" ] && bad=0
      fi
    fi
    if [ "$bad" = 1 ]; then
      set -- $e
      y=$2
      shift 5
      printf 'X %s\n' "$i"
      eval "k$i=\$* h$i="
      [ "$md" != t ] || eval "o$i=\$y"
    fi
  done
}

# lst RID[!]: the listing of a root when its shape (names, folder stats) changed.
fnd() { find . \( @PRUNE@ \) -prune -o "$@"; }
LI='n=$# c=0
while [ "$n" -gt 0 ]; do
  f=$1; shift; n=$((n - 1))
  [ -e "$f" ] || continue
  if [ -h "$f" ] && [ "$RL" = 1 ]; then
    r=$(readlink -f -- "$f" 2>/dev/null)
    case $r in "$RA" | "$RA"/*) ;; *) printf "o %s %s\n" "${#f}" "$f"; continue ;; esac
  fi
  u=-
  if [ -d "$f" ]; then { [ -r "$f" ] && [ -x "$f" ]; } || u=u; fi
  printf "%s %s %s\n" "$u" "${#f}" "$f"
  set -- "$@" "$f"; c=$((c + 1))
done
printf "N %s\n" "$c"
[ "$c" = 0 ] || stat -L "$SO" "$SF" -- "$@" 2>/dev/null
exit 0'
lst() {
  case $1 in *!) r=${1%!}; eval "s$r=" ;; *) r=$1 ;; esac
  eval "d=\$R$r"
  if [ ! -d "$d" ]; then
    if [ -e "$d" ]; then printf 'L %s ! not a directory\n' "$r"
    else printf 'L %s ! no such directory\n' "$r"; fi
    eval "s$r="
    return 0
  fi
  if [ ! -r "$d" ] || [ ! -x "$d" ]; then
    printf 'L %s ! permission denied\n' "$r"
    eval "s$r="
    return 0
  fi
  wd
  RA=$(readlink -f -- "$d" 2>/dev/null) || RA=/
  export RA
  sg=x$( (cd -- "$d" && fnd -type d -exec stat -L "$SO" "$SF %n" -- {} + -o -print) \
    2>/dev/null)
  eval "ps=\$s$r"
  if [ "$sg" = "$ps" ]; then
    printf 'L %s =\n' "$r"
    return 0
  fi
  eval "s$r=\$sg"
  printf 'L %s +\n' "$r"
  (cd -- "$d" && fnd -exec sh -c "$LI" sh {} +) 2>/dev/null
  printf '.\n'
}

# dsc RID: what discovery looks at under a root, found by one bounded `find` (depth, skipped
# and hidden names pruned; nothing stat'ed but links among the run markers): each folder
# once, each regular marker file twice, each marker link to a folder three times, then an
# empty line and "@T" when it ran out of time; at most CAP lines (the pipe closes and find
# ends); "@@" ends it.
dsc() {
  eval "d=\$R$1"
  if [ ! -d "$d" ]; then
    if [ -e "$d" ]; then printf 'F %s ! not a directory\n' "$1"
    else printf 'F %s ! no such directory\n' "$1"; fi
    return 0
  fi
  if [ ! -r "$d" ] || [ ! -x "$d" ]; then
    printf 'F %s ! permission denied\n' "$1"
    return 0
  fi
  printf 'F %s +\n' "$1"
  (
    cd -- "$d" || exit 0
    {
      find . \( @SEEK@ \) -prune -o -type d -print -o -type f \( @MARK@ \) -print -print \
        -o -type l \( @MARK@ \) \( -exec test -d {} \; -print -print -print -o \
        -exec test -f {} \; -print -print \) &
      f=$!
      (trap 'kill $s 2>/dev/null; exit 0' TERM; sleep @SEEKS@ & s=$!; wait $s; kill $f) \
        >/dev/null 2>&1 </dev/null &
      t=$!
      wait $f
      e=$?
      kill $t 2>/dev/null
      [ "$e" != 143 ] || printf '\n@T\n'  # after the line the kill may have cut
    } | head -n @CAP@
  ) 2>/dev/null </dev/null
  printf '@@\n'
}

# P SEQ [RID[!|?]...]: poll the files of `q`, then list the given roots (?: for discovery).
P() {
  printf '@DLT %s\n' "$1"
  shift
  LR=$*
  set --
  E= RD= RP=
  for i in $Q; do
    eval "f=\$p$i"
    if [ -e "$f" ]; then set -- "$@" "$f"; E="${E}1"; else E="${E}0"; fi
  done
  sts "$@"
  for i in $Q; do
    e=${E%"${E#?}"} E=${E#?}
    l=
    if [ "$e" = 1 ]; then
      if [ "$S" = ! ]; then
        eval "f=\$p$i"
        l=$(stat -L "$SO" "$SF" -- "$f" 2>/dev/null)
      else
        l=${S%%"$NL"*} S=${S#*"$NL"}
      fi
    fi
    one "$i" "$l"
  done
  chk
  for r in $LR; do
    case $r in *\?) dsc "${r%?}" ;; *) lst "$r" ;; esac
  done
  wds
  printf '@END\n'
} </dev/null
printf '@DLT 0 %s %s %s\n@END\n' "$FL" "$DB" "$(date +%s 2>/dev/null </dev/null)"
